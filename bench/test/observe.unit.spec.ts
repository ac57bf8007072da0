import test from 'ava';
import { averageCpu, cpuMsPerRequest, cpuPercent, describeCpu, MACHINE } from '../src/herald/cpu.js';
import { lagFrom, lagGrows, slope } from '../src/herald/lag.js';
import { describeIngressTime, histogramTotals, meanBetween } from '../src/herald/metrics.js';

test('CPU percent is ticks over wall time, 100 per busy core', (t) => {
  t.is(cpuPercent(100, 1000, 100), 100);
  t.is(cpuPercent(50, 500, 100), 100);
  t.is(cpuPercent(25, 1000, 100), 25);
  t.is(cpuPercent(10, 0, 100), 0);
});

test('CPU per request: a full core at 1,000 requests/s is 1 ms each', (t) => {
  t.is(cpuMsPerRequest(100, 1000), 1);
  t.is(cpuMsPerRequest(59, 213), 2.77);
  t.is(cpuMsPerRequest(50, 0), 0);
});

test('averages per label count a missing sample as idle and sort the busiest first', (t) => {
  const average = averageCpu([
    { t: 1, byLabel: { ingress: 90, kafka: 20 } },
    { t: 2, byLabel: { ingress: 100 } },
  ]);
  t.deepEqual(average, { ingress: 95, kafka: 10 });
  t.deepEqual(Object.keys(average), ['ingress', 'kafka']);
});

test('the CPU sentence names a saturated Node process and a saturated machine', (t) => {
  const text = describeCpu({ [MACHINE]: 190, sender: 95, kafka: 60, 'postgres (all)': 30 }, 2);
  t.regex(text, /^CPU 185% of 200% \(sender 95%, kafka 60%, postgres \(all\) 30%\)/);
  t.regex(text, /the machine is CPU-bound/);
  t.regex(text, /sender at a full core/);
  const idle = describeCpu({ [MACHINE]: 150, ingress: 40 }, 2);
  t.regex(idle, /plus 110% in processes outside this benchmark/);
  t.notRegex(idle, /CPU-bound|full core/);
  t.regex(describeCpu({}, 2), /not sampled/);
});

test('lag sums end minus committed over the chosen topics; an uncommitted partition counts from 0', (t) => {
  const ends = new Map([
    ['p.requested/0', 100n],
    ['p.requested/1', 50n],
    ['p.events/0', 70n],
  ]);
  const committed = new Map([['p.requested/0', 90n]]);
  t.is(lagFrom(ends, committed, ['p.requested']), 60);
  t.is(lagFrom(ends, committed, ['p.requested', 'p.events']), 130);
  t.is(lagFrom(ends, new Map([['p.requested/0', 120n]]), ['p.requested']), 50);
});

test('a backlog grows when its slope exceeds 2% of the offered rate', (t) => {
  const line = (perSecond: number) =>
    Array.from({ length: 30 }, (_, s) => ({ t: s, value: 300 + perSecond * s }));
  t.is(Math.round(slope(line(120))), 120);
  t.true(lagGrows(line(120), 5000));
  t.false(lagGrows(line(80), 5000));
  t.false(lagGrows(line(-500), 5000));
  const noisy = Array.from({ length: 30 }, (_, s) => ({ t: s, value: 300 + (s % 2 === 0 ? 40 : -40) }));
  t.false(lagGrows(noisy, 1000));
  t.is(slope([{ t: 1, value: 5 }]), 0);
});

const exposition = (sum: number, count: number) => `# HELP herald_http_request_duration_seconds x
# TYPE herald_http_request_duration_seconds histogram
herald_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/v1/messages"} 3
herald_http_request_duration_seconds_sum{method="POST",route="/v1/messages"} ${sum}
herald_http_request_duration_seconds_count{method="POST",route="/v1/messages"} ${count}
herald_http_request_duration_seconds_sum{method="GET",route="/readyz"} 1
herald_http_request_duration_seconds_count{method="GET",route="/readyz"} 10
herald_kafka_produce_batch_seconds_sum 2
herald_kafka_produce_batch_seconds_count 100
`;

test('histogram totals add up every label set; the mean between scrapes uses the differences', (t) => {
  t.deepEqual(histogramTotals(exposition(4, 100), 'herald_http_request_duration_seconds'), {
    sum: 5,
    count: 110,
  });
  t.is(meanBetween(exposition(4, 100), exposition(6, 300), 'herald_http_request_duration_seconds'), 0.01);
  t.is(meanBetween(exposition(4, 100), exposition(4, 100), 'herald_http_request_duration_seconds'), null);
  t.is(histogramTotals('', 'nothing').count, 0);
  t.is(describeIngressTime(exposition(4, 100), exposition(6, 300)), 'ingress /metrics: handler mean 10.0 ms');
});
