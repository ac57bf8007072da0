/** Where a replay stands. */
export interface ReplayProgress {
  phase: 'replaying' | 'indexing' | 'swapping' | 'done';
  /** Events (store) or records (Kafka) handled since this run started. */
  done: number;
  /** How many there are to handle in this run, as far as known now. */
  total: number;
  /** Since this run started. */
  elapsedMs: number;
}

/** Events per second and the time left at that rate (null while nothing is measured yet). */
export function rateOf(progress: ReplayProgress): { perSecond: number; etaMs: number | null } {
  const perSecond = progress.elapsedMs > 0 ? (progress.done * 1000) / progress.elapsedMs : 0;
  const left = Math.max(0, progress.total - progress.done);
  return { perSecond, etaMs: perSecond > 0 ? (left * 1000) / perSecond : left === 0 ? 0 : null };
}

const duration = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
};

/** One line of a progress bar: `[######----] 61% 30,500/50,000 events  48,210 ev/s  ETA 0s  replaying`. */
export function progressLine(progress: ReplayProgress, width = 30): string {
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const filled = Math.round(fraction * width);
  const { perSecond, etaMs } = rateOf(progress);
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`,
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${number(progress.done)}/${number(progress.total)} events`,
    ` ${number(perSecond)} ev/s`,
    ` ETA ${etaMs === null ? '?' : duration(etaMs)}`,
    ` ${progress.phase}`,
  ].join(' ');
}
