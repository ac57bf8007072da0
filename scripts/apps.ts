// Shared by `npm start` and the benchmark: the development secrets and how to launch Herald's apps.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..');

/** Apps in start order: what the ingress depends on comes first. */
export const APPS = ['provider-sim', 'projector', 'router', 'sender', 'webhooks', 'ingress'] as const;

interface DevSecrets {
  demoApiKey: string;
  adminToken: string;
}

/**
 * Development secrets, generated once and kept in .herald/ so the printed key keeps working across
 * restarts; HERALD_DEMO_API_KEY and HERALD_ADMIN_TOKEN override them.
 */
export function devSecrets(env: NodeJS.ProcessEnv): DevSecrets {
  const file = join(root, '.herald', 'dev-secrets.json');
  let stored: DevSecrets | undefined;
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  if (!stored) {
    stored = {
      demoApiKey: `hk_${randomBytes(32).toString('base64url')}`,
      adminToken: `hadm_${randomBytes(32).toString('base64url')}`,
    };
    mkdirSync(join(root, '.herald'), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    demoApiKey: env.HERALD_DEMO_API_KEY ?? stored.demoApiKey,
    adminToken: env.HERALD_ADMIN_TOKEN ?? stored.adminToken,
  };
}

/** Starts one app as its own process, its output prefixed with its name. */
export function launch(app: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=herald-source', '--import', 'tsx', join(root, 'apps', app, 'src', 'main.ts')],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const prefix = `[${app}]`.padEnd(15);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  return child;
}

/** Polls a URL until it answers 200, or throws after `timeoutMs`. */
export async function waitForUrl(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process serving ${url} exited`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
}
