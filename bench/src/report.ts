import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { ChartPanel } from './chart.js';
import { renderChart } from './chart.js';

/** One figure of a benchmark run. */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  count?: number;
  seconds?: number;
  /** Where the time went, when measured. */
  note?: string;
}

/** A target of the issues and whether this run reached it. */
export interface TargetCheck {
  target: string;
  reached: boolean;
  measured: string;
  /** For a target not reached: what the profile says limits it. */
  bottleneck?: string;
}

/** One scenario's table, with lines said under it (ledger, where the CPU went). */
export interface Section {
  title: string;
  measurements: Measurement[];
  notes?: string[];
}

/** A chart of the run, written as `<run>-<name>.svg` beside the JSON. */
export interface Chart {
  name: string;
  title: string;
  panels: ChartPanel[];
  /** What the x axis counts (seconds when omitted). */
  xLabel?: string;
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: Record<string, string>;
  sections: Section[];
  targets: TargetCheck[];
  /** Why the run failed (an unbalanced ledger, a scenario that threw); empty for a good run. */
  failures: string[];
  charts: Chart[];
}

/** What this machine is, for the report. */
export function describeMachine(databaseVersion: string): Record<string, string> {
  const cores = cpus();
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    cpu: `${cores.length} × ${cores[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `${platform()} ${release()}`,
    node: process.version,
    postgres: databaseVersion,
    kafka: 'Apache Kafka 3.9.1 (KRaft, one broker, same machine)',
    commit: git(['rev-parse', '--short', 'HEAD']),
    'load average at start': loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
  };
}

const number = (value: number) => value.toLocaleString('en-US');

/** File name stem of a run's outputs: its start time without colons or dots. */
export function runStem(report: BenchReport): string {
  return report.startedAt.replace(/[:.]/g, '-');
}

/** The report as a markdown section, newest runs appended to BENCHMARKS.md. */
export function markdown(report: BenchReport): string {
  const lines = [
    `## ${report.startedAt} — \`${report.command}\`${report.failures.length > 0 ? ' — FAILED' : ''}`,
    '',
    Object.entries(report.machine)
      .map(([key, value]) => `${key}: ${value}`)
      .join(' · '),
    '',
  ];
  for (const section of report.sections) {
    lines.push(
      `### ${section.title}`,
      '',
      '| measurement | value | unit | count | seconds | note |',
      '|---|---:|---|---:|---:|---|',
    );
    for (const m of section.measurements)
      lines.push(
        `| ${m.name} | ${number(m.value)} | ${m.unit} | ${m.count === undefined ? '' : number(m.count)} | ${m.seconds ?? ''} | ${m.note ?? ''} |`,
      );
    lines.push('');
    for (const note of section.notes ?? []) lines.push(`- ${note}`);
    if (section.notes?.length) lines.push('');
  }
  for (const chart of report.charts)
    lines.push(`![${chart.title}](bench/results/${runStem(report)}-${chart.name}.svg)`, '');
  if (report.targets.length > 0) {
    lines.push('### Targets', '', '| target | reached | measured | bottleneck |', '|---|---|---|---|');
    for (const t of report.targets)
      lines.push(`| ${t.target} | ${t.reached ? 'yes' : 'no'} | ${t.measured} | ${t.bottleneck ?? ''} |`);
    lines.push('');
  }
  if (report.failures.length > 0) {
    lines.push('### Failures', '');
    for (const failure of report.failures) lines.push(`- ${failure}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Text as the repository's prettier would write it, so `prettier --check .` (CI) passes on results. */
async function formatted(path: string, text: string): Promise<string> {
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

/**
 * Writes `bench/results/<time>.json` and each chart as `<time>-<name>.svg` beside it, and appends
 * the markdown to BENCHMARKS.md; a dry run (`--dry-run`, for development) writes to `dryRunDir`
 * instead and appends nothing.
 */
export async function writeReport(
  root: string,
  report: BenchReport,
  dryRunDir?: string,
): Promise<{ json: string; markdown: string | null; charts: string[] }> {
  const dir = dryRunDir ?? join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${runStem(report)}.json`);
  writeFileSync(json, await formatted(json, JSON.stringify(report)));
  const charts = report.charts.map((chart) => {
    const path = join(dir, `${runStem(report)}-${chart.name}.svg`);
    writeFileSync(path, renderChart(chart.title, chart.panels, chart.xLabel));
    return path;
  });
  if (dryRunDir !== undefined) return { json, markdown: null, charts };
  const file = join(root, 'BENCHMARKS.md');
  const before = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery `npm run bench` appends its run here (newest last); the JSON of each run is in `bench/results/`.\n\n';
  writeFileSync(file, await formatted(file, `${before}\n${markdown(report)}\n`));
  return { json, markdown: file, charts };
}
