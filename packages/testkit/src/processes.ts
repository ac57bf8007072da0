import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait.js';

/** The repository root, from this file's location. */
export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** A Herald app running as its own process, as in production. */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process printed so far (JSON log lines). */
  output: () => string;
  /** Resolves when the process exits, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
  kill: () => Promise<void>;
}

// Every app a test process started dies with it, even when a failed hook never reached its
// cleanup: a leftover stack would slow every later test on a two-core machine.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Starts `apps/<app>/src/main.ts` with `env` layered over this process's environment.
 * `HERALD_APP_NODE_ARGS` (in `env` or the environment) adds Node options that NODE_OPTIONS refuses,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile every app of a test or bench stack.
 */
export function startApp(app: string, env: Record<string, string>): AppProcess {
  const nodeArgs = (env.HERALD_APP_NODE_ARGS ?? process.env.HERALD_APP_NODE_ARGS ?? '')
    .split(/\s+/)
    .filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--conditions=herald-source',
      '--import',
      'tsx',
      join(repoRoot, 'apps', app, 'src', 'main.ts'),
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name: app,
    child,
    output: () => output,
    exited,
    stop: (graceMs = 20000) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
}

/** Waits until an app answers 200 on its readiness URL; fails early with its output if it exits. */
export async function waitUntilReady(app: AppProcess, readyUrl: string, timeoutMs = 60000): Promise<void> {
  let exited = false;
  void app.exited.then(() => (exited = true));
  const outcome = await waitFor(
    `${app.name} to be ready at ${readyUrl}`,
    async () => {
      // An app that exited will never be ready: stop polling at once rather than at the deadline.
      if (exited) return 'exited' as const;
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
      return response.ok ? ('ready' as const) : false;
    },
    { timeoutMs, intervalMs: 200 },
  ).catch((error: unknown) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- ${app.name} output ---\n${app.output().slice(-4000)}`,
    );
  });
  if (outcome === 'exited')
    throw new Error(`${app.name} exited during start-up:\n${app.output().slice(-4000)}`);
}

/** What a finished CLI run printed, and its exit code. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `apps/cli` as its own process, the way `npm run herald -- ...` does, with `env` layered on. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=herald-source',
      '--import',
      'tsx',
      join(repoRoot, 'apps', 'cli', 'src', 'main.ts'),
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
