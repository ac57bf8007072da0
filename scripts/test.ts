// `npm test`: provisions the infrastructure like `npm start`, typechecks, then runs the whole ava
// suite (unit, integration, end-to-end) and ends with one line: `N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { ensureInfrastructure } from '../infra/src/index.js';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // Its own process group, so whatever the run leaves behind (apps of a worker that was killed)
    // is reaped with it below.
    const child = spawn(command, args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (partial) onLine?.(partial);
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already empty, which is the normal case.
      }
      resolve(code ?? 1);
    });
  });
}

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  console.log(`[test] ${name}...`);
  const result = await work();
  console.log(`[test] ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function main(): Promise<number> {
  const endpoints = await phase('infrastructure', () => ensureInfrastructure());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // turbo looks for pnpm on PATH; the bootstrap may have installed it under .herald/tools.
    PATH: [join(root, '.herald', 'tools', 'node_modules', '.bin'), process.env.PATH].join(delimiter),
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: endpoints.databaseUrl,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  const typecheck = await phase('typecheck', async () => {
    const packages = await run(bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only'], env);
    return packages === 0 ? run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], env) : packages;
  });
  if (typecheck !== 0) {
    console.log('0 passed, 1 failed (typecheck)');
    return 1;
  }
  const counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
  const code = await phase('tests', () =>
    run(bin('ava'), ['--tap', ...process.argv.slice(2)], env, (line) => {
      const match = /^# (pass|fail|skip|todo) (\d+)$/.exec(line.trim());
      if (match) counts[match[1] as keyof typeof counts] = Number(match[2]);
    }),
  );
  console.log(`${counts.pass} passed, ${counts.fail} failed, ${counts.skip + counts.todo} skipped`);
  if (counts.pass + counts.fail === 0) {
    console.error('[test] no test ran');
    return 1;
  }
  return code === 0 && counts.fail === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
