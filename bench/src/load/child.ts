import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A TypeScript file of the bench running as its own Node process. */
export interface BenchChild {
  child: ChildProcess;
  /** The first JSON line the process printed (how it says where it listens). */
  announced: Record<string, unknown>;
  stop: () => Promise<void>;
}

/** Starts `file` with tsx and waits for its first stdout line, a JSON object. */
export function startBenchChild(file: string, timeoutMs = 30_000): Promise<BenchChild> {
  const child = spawn(process.execPath, ['--conditions=herald-source', '--import', 'tsx', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${file} did not announce itself within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (line === undefined || !output.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve({ child, announced: JSON.parse(line) as Record<string, unknown>, stop });
      } catch (error) {
        void stop();
        reject(new Error(`${file} printed "${line}" instead of a JSON line`, { cause: error }));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before announcing itself:\n${output}`));
    });
  });
}
