import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';

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

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: Record<string, string>;
  sections: { title: string; measurements: Measurement[] }[];
  targets: TargetCheck[];
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
  };
}

const number = (value: number) => value.toLocaleString('en-US');

/** The report as a markdown section, newest runs appended to BENCHMARKS.md. */
export function markdown(report: BenchReport): string {
  const lines = [
    `## ${report.startedAt} — \`${report.command}\``,
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
  }
  if (report.targets.length > 0) {
    lines.push('### Targets', '', '| target | reached | measured | bottleneck |', '|---|---|---|---|');
    for (const t of report.targets)
      lines.push(`| ${t.target} | ${t.reached ? 'yes' : 'no'} | ${t.measured} | ${t.bottleneck ?? ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes `bench/results/<time>.json` and appends the markdown to BENCHMARKS.md. */
export function writeReport(root: string, report: BenchReport): { json: string; markdown: string } {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const file = join(root, 'BENCHMARKS.md');
  if (!existsSync(file))
    writeFileSync(
      file,
      '# Benchmarks\n\nEvery `npm run bench` appends its run here (newest last); the JSON of each run is in `bench/results/`.\n\n',
    );
  appendFileSync(file, `${markdown(report)}\n`);
  return { json, markdown: file };
}
