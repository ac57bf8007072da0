import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { check } from 'prettier';
import type { BenchReport } from '../src/report.js';
import { markdown, writeReport } from '../src/report.js';

const report = (failures: string[]): BenchReport => ({
  startedAt: '2026-11-22T12:00:00.000Z',
  command: 'npm run bench -- --quick',
  machine: { cpu: '2 × test' },
  sections: [
    {
      title: 'Herald: sustained end-to-end',
      measurements: [
        { name: 'final in the read model', value: 4321, unit: 'messages/s', count: 100_000, seconds: 60 },
      ],
      notes: ['ledger: balanced: 1 accepted = 1 delivered'],
    },
  ],
  targets: [
    { target: 'e2e ≥ 5,000 messages/s', reached: false, measured: '4,321 messages/s', bottleneck: 'sender' },
  ],
  failures,
  charts: [
    {
      name: 'e2e',
      title: 'Sustained end-to-end',
      panels: [
        {
          title: 'throughput',
          yLabel: 'messages/s',
          series: [
            {
              name: 'final',
              points: [
                [0, 1],
                [1, 2],
              ],
            },
          ],
        },
      ],
    },
  ],
});

test('the markdown has the tables, notes, chart link and targets, and says FAILED for a failed run', (t) => {
  const good = markdown(report([]));
  t.true(good.includes('| final in the read model | 4,321 | messages/s | 100,000 | 60 |  |'));
  t.true(good.includes('- ledger: balanced'));
  t.true(good.includes('![Sustained end-to-end](bench/results/2026-11-22T12-00-00-000Z-e2e.svg)'));
  t.true(good.includes('| e2e ≥ 5,000 messages/s | no | 4,321 messages/s | sender |'));
  t.false(good.includes('FAILED'));
  const failed = markdown(report(['e2e ledger: NOT BALANCED']));
  t.regex(failed, /^## .* — FAILED$/m);
  t.true(failed.includes('- e2e ledger: NOT BALANCED'));
});

test('the JSON, the chart and BENCHMARKS.md are written prettier-clean, appended after earlier runs', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bench-report-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  await writeReport(root, report([]));
  const written = await writeReport(root, { ...report([]), startedAt: '2026-11-22T13:00:00.000Z' });
  const json = readFileSync(written.json, 'utf8');
  t.true(await check(json, { filepath: written.json }));
  t.is((JSON.parse(json) as BenchReport).sections[0]?.measurements[0]?.value, 4321);
  t.regex(readFileSync(written.charts[0] ?? '', 'utf8'), /^<svg /);
  const benchmarks = readFileSync(written.markdown ?? '', 'utf8');
  t.true(await check(benchmarks, { filepath: written.markdown ?? '' }));
  t.is(benchmarks.match(/^## 2026-11-22T/gm)?.length, 2);
  t.true(benchmarks.indexOf('T12:00') < benchmarks.indexOf('T13:00'));
});

test('a dry run writes to the given directory and appends nothing', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const dry = join(root, 'dry');
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const written = await writeReport(root, report([]), dry);
  t.is(written.markdown, null);
  t.true(written.json.startsWith(dry));
  t.throws(() => readFileSync(join(root, 'BENCHMARKS.md'), 'utf8'));
});
