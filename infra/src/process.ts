import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pidFile } from './paths.js';
import { waitUntil } from './wait.js';

/** What to run for a managed service. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function readPid(service: string): number | undefined {
  const file = pidFile(service);
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(service: string, pid: number): void {
  const file = pidFile(service);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function removePid(service: string): void {
  rmSync(pidFile(service), { force: true });
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

/**
 * True when `pid` is alive and its command line contains `marker` (a path only our JVM uses),
 * so a pid recycled after a reboot is not mistaken for ours. Without /proc, liveness alone decides.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readProc(pid, 'cmdline');
  return cmdline === undefined || cmdline.includes(marker);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Starts a process that outlives us, its output appended to `log`; returns its pid. */
export function spawnDetached(spec: LaunchSpec, log: string): Promise<number> {
  mkdirSync(dirname(log), { recursive: true });
  const out = openSync(log, 'a');
  try {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', out, out],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        if (child.pid === undefined) reject(new Error(`${spec.command} started without a pid`));
        else resolve(child.pid);
      });
    });
  } finally {
    closeSync(out);
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function terminate(pid: number, graceMs = 30_000): Promise<'exited' | 'killed'> {
  if (!signal(pid, 'SIGTERM')) return 'exited';
  if (await waitUntil(async () => !isAlive(pid), { timeoutMs: graceMs, intervalMs: 100 })) return 'exited';
  signal(pid, 'SIGKILL');
  await waitUntil(async () => !isAlive(pid), { timeoutMs: 5_000, intervalMs: 100 });
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command to completion, keeping the last 64 KB of its combined output. */
export function runCommand(command: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
