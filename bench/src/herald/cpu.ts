import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** A process whose CPU is sampled, under the label the report shows. */
export interface CpuTarget {
  label: string;
  pid: number;
}

/** CPU time (user + system) of a process in clock ticks, from /proc; null when it is gone. */
export function readProcessTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Percent of one core used over an interval (200 = both cores of a 2-core machine). */
export function cpuPercent(deltaTicks: number, deltaMs: number, ticksPerSecond: number): number {
  if (deltaMs <= 0) return 0;
  return (deltaTicks / ticksPerSecond / (deltaMs / 1000)) * 100;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * The infrastructure's processes on this machine, found by command line: Kafka, the schema
 * registry and every Postgres backend (connections come and go, so this runs at each sample).
 */
export function infrastructureTargets(): CpuTarget[] {
  const targets: CpuTarget[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return targets;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const pid = Number(entry);
    if (command.includes('kafka.Kafka')) targets.push({ label: 'kafka', pid });
    else if (command.includes('quarkus-run.jar')) targets.push({ label: 'schema registry', pid });
    else if (command.startsWith('postgres')) targets.push({ label: 'postgres (all)', pid });
  }
  return targets;
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function readMachineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Label of the whole machine's CPU (every process, Herald's or not) in the samples. */
export const MACHINE = 'machine (all processes)';

/** One second of samples: CPU percent per label (processes with the same label summed). */
export interface CpuSample {
  /** Seconds since the sampler started. */
  t: number;
  byLabel: Record<string, number>;
}

/** Samples the CPU of a changing set of processes twice a second, plus this (load generator) process. */
export class CpuSampler {
  readonly samples: CpuSample[] = [];
  private previous = new Map<number, number>();
  private previousAt = performance.now();
  private previousSelf = process.cpuUsage();
  private previousMachine = readMachineTicks();
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly targets: () => CpuTarget[]) {}

  /** Seconds since the sampler was made, on the clock of its samples. */
  now(): number {
    return (performance.now() - this.started) / 1000;
  }

  start(): void {
    this.tick(false);
    this.timer = setInterval(() => this.tick(true), 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(record: boolean): void {
    const now = performance.now();
    const elapsed = now - this.previousAt;
    const byLabel: Record<string, number> = {};
    const current = new Map<number, number>();
    for (const { label, pid } of [...this.targets(), ...infrastructureTargets()]) {
      const ticks = readProcessTicks(pid);
      if (ticks === null) continue;
      current.set(pid, ticks);
      const before = this.previous.get(pid);
      if (before === undefined) continue;
      byLabel[label] = (byLabel[label] ?? 0) + cpuPercent(ticks - before, elapsed, clockTicks());
    }
    const self = process.cpuUsage(this.previousSelf);
    byLabel['bench (load generator)'] = ((self.user + self.system) / 1000 / elapsed) * 100;
    this.previousSelf = process.cpuUsage();
    const machine = readMachineTicks();
    if (machine && this.previousMachine && machine.total > this.previousMachine.total)
      byLabel[MACHINE] =
        ((machine.busy - this.previousMachine.busy) / (machine.total - this.previousMachine.total)) *
        100 *
        cpus().length;
    this.previousMachine = machine;
    this.previous = current;
    this.previousAt = now;
    if (record) this.samples.push({ t: Math.round((now - this.started) / 100) / 10, byLabel });
  }

  /** Average CPU percent per label over samples taken between `fromT` and `toT` seconds. */
  average(fromT = 0, toT = Number.POSITIVE_INFINITY): Record<string, number> {
    return averageCpu(this.samples.filter((s) => s.t > fromT && s.t <= toT));
  }
}

/** Average CPU percent per label over samples (a label missing from a sample counts as 0 there). */
export function averageCpu(samples: CpuSample[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const sample of samples)
    for (const [label, value] of Object.entries(sample.byLabel)) sums[label] = (sums[label] ?? 0) + value;
  return Object.fromEntries(
    Object.entries(sums)
      .map(([label, sum]): [string, number] => [label, Math.round(sum / Math.max(1, samples.length))])
      .sort((a, b) => b[1] - a[1]),
  );
}

/** Milliseconds of CPU a process spent per request: percent of a core × 10 / requests per second. */
export function cpuMsPerRequest(percent: number, requestsPerSecond: number): number {
  return requestsPerSecond > 0 ? Math.round((percent * 10 * 100) / requestsPerSecond) / 100 : 0;
}

/**
 * Where the CPU went, in a sentence: total of the machine, the busiest processes, and a single
 * Node process near one full core (it is single-threaded, so that one is saturated).
 */
export function describeCpu(average: Record<string, number>, cores: number): string {
  const entries = Object.entries(average).filter(([label, value]) => value >= 1 && label !== MACHINE);
  if (entries.length === 0) return 'CPU not sampled (the phase was shorter than the sampling interval)';
  const total = entries.reduce((sum, [, value]) => sum + value, 0);
  const machine = average[MACHINE];
  const top = entries
    .slice(0, 5)
    .map(([label, value]) => `${label} ${value}%`)
    .join(', ');
  const saturated = entries.filter(
    ([label, value]) => value >= 85 && !label.startsWith('postgres') && !label.startsWith('kafka'),
  );
  const others = machine === undefined ? 0 : Math.max(0, Math.round(machine - total));
  const parts = [
    `CPU ${Math.round(total)}% of ${cores * 100}% (${top})${others >= 10 ? `, plus ${others}% in processes outside this benchmark` : ''}`,
  ];
  if ((machine ?? total) >= cores * 100 * 0.85) parts.push('the machine is CPU-bound');
  if (saturated.length > 0)
    parts.push(`${saturated.map(([label]) => label).join(', ')} at a full core (single-threaded)`);
  return parts.join('; ');
}
