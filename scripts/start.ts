// `npm start`: provisions the infrastructure, starts every Herald app as its own process, seeds the
// development tenant, prints how to use it, and stops everything cleanly on Ctrl-C.
import type { ChildProcess } from 'node:child_process';
import { ensureInfrastructure, stopInfrastructure, infrastructureStatus } from '../infra/src/index.js';
import { APPS, devSecrets, launch, waitForUrl } from './apps.js';

const production = process.env.NODE_ENV === 'production';
const port = process.env.HERALD_HTTP_PORT ?? '8080';
const publicUrl = process.env.HERALD_PUBLIC_URL ?? `http://127.0.0.1:${port}`;

async function main(): Promise<void> {
  const before = await infrastructureStatus();
  const infraWasUp = before
    .filter((s) => s.state !== 'external')
    .every((s) => s.state === 'running' && s.ready);
  const endpoints = await ensureInfrastructure();
  const secrets = devSecrets(process.env);
  if (production && !process.env.HERALD_ADMIN_TOKEN)
    throw new Error('HERALD_ADMIN_TOKEN is required when NODE_ENV=production');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: endpoints.databaseUrl,
    HERALD_HTTP_PORT: port,
    HERALD_PUBLIC_URL: publicUrl,
    HERALD_ADMIN_TOKEN: production ? process.env.HERALD_ADMIN_TOKEN : secrets.adminToken,
    ...(production ? {} : { HERALD_DEMO_API_KEY: secrets.demoApiKey }),
  };
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\n[start] stopping Herald...');
    await Promise.all(
      [...children.values()].reverse().map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    if (!infraWasUp && process.env.HERALD_KEEP_INFRA !== '1') await stopInfrastructure();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const app of APPS) {
    const child = launch(app, env);
    children.set(app, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`[start] ${app} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    });
  }
  await waitForUrl(`http://127.0.0.1:${port}/readyz`, 120000, () => !stopping);
  const key = production ? '<an API key of yours>' : secrets.demoApiKey;
  console.log(`
Herald is running at ${publicUrl}  (Ctrl-C stops it)
${production ? '' : `  demo tenant API key : ${secrets.demoApiKey}\n  admin token         : ${secrets.adminToken}\n`}
Send a message:
  curl -s -X POST ${publicUrl}/v1/messages -H "Authorization: Bearer ${key}" \\
       -H 'Content-Type: application/json' -d '{"channel":"sms","to":"+14155550100","text":"Hello from Herald"}'
Then its status (use the "id" from the answer):
  curl -s ${publicUrl}/v1/messages/<id> -H "Authorization: Bearer ${key}"
`);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
