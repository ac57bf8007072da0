import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync } from 'node:fs';
import { shown } from './paths.js';

const TAIL_BYTES = 64 * 1024;

/** The last `lines` lines of a log file, or a note that it is missing. */
export function tailLog(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${shown(file)})`;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').trimEnd();
    return text === '' ? '(log is empty)' : text.split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** A failure message followed by the tail of the service's log. */
export function withLogTail(message: string, file: string): string {
  return `${message}\n--- last 40 lines of ${shown(file)} ---\n${tailLog(file)}\n--- end of ${shown(file)} ---`;
}

/** Keeps the previous run's log as `<file>.1` so a crash stays readable after a restart. */
export function rotateLog(file: string): void {
  if (existsSync(file)) renameSync(file, `${file}.1`);
}
