import test from 'ava';
import { axis, escapeXml, niceCeil, renderChart } from '../src/chart.js';

/** Checks that every tag closes in order (a minimal XML well-formedness check) and returns the tag names. */
function wellFormed(svg: string): string[] {
  const open: string[] = [];
  const seen: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name = '', attributes = '', selfClosing] = match;
    if (/[<&](?!amp;|lt;|gt;|quot;|apos;)/.test(attributes))
      throw new Error(`unescaped attribute in <${name}>`);
    if (closing) {
      if (open.pop() !== name) throw new Error(`</${name}> closes nothing open`);
    } else {
      seen.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  if (open.length > 0) throw new Error(`unclosed: ${open.join(', ')}`);
  return seen;
}

test('axis ends are 1, 2 or 5 × 10^k steps that reach the largest value', (t) => {
  t.is(niceCeil(0), 1);
  t.is(niceCeil(3), 5);
  t.is(niceCeil(20), 20);
  t.is(niceCeil(21), 50);
  t.is(niceCeil(0.3), 0.5);
  t.deepEqual(axis(120, 8), { max: 120, step: 20 });
  t.deepEqual(axis(4, 8), { max: 4, step: 0.5 });
  t.deepEqual(axis(5000, 4), { max: 6000, step: 2000 });
  t.deepEqual(axis(0, 4), { max: 1, step: 1 });
});

test('the chart is well-formed SVG with one line and one legend entry per series', (t) => {
  const svg = renderChart('Throughput & lag <test>', [
    {
      title: 'throughput',
      yLabel: 'messages/s',
      series: [
        {
          name: 'offered',
          points: [
            [0, 5000],
            [60, 5000],
          ],
        },
        {
          name: 'final "in" read model',
          points: Array.from({ length: 61 }, (_, s): [number, number] => [s, 80 * s]),
        },
      ],
    },
    {
      title: 'lag',
      yLabel: 'records',
      series: [
        {
          name: 'sender lag',
          points: [
            [0, 0],
            [30, 12_000],
            [60, 0],
          ],
        },
      ],
    },
  ]);
  const tags = wellFormed(svg);
  t.is(tags[0], 'svg');
  t.regex(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.is(tags.filter((tag) => tag === 'polyline').length, 3);
  // Markers on the short series only (2 + 3 points), not on the 61-point one.
  t.is(tags.filter((tag) => tag === 'circle').length, 5);
  t.true(svg.includes('Throughput &amp; lag &lt;test&gt;'));
  const lines = [...svg.matchAll(/<polyline class="series" data-name="([^"]*)"[^>]*points="([^"]*)"/g)];
  t.deepEqual(
    lines.map(([, name]) => name),
    ['offered', 'final &quot;in&quot; read model', 'sender lag'],
  );
  t.deepEqual(
    lines.map(([, , points]) => (points ?? '').split(' ').length),
    [2, 61, 3],
  );
  t.true(svg.includes('>sender lag</text>'));
  // Every point lies inside the drawing.
  for (const [, , points] of lines)
    for (const pair of (points ?? '').split(' ')) {
      const [x, y] = pair.split(',').map(Number);
      t.true((x ?? -1) >= 0 && (x ?? 961) <= 960 && (y ?? -1) >= 0, pair);
    }
});

test('an empty panel still renders a valid chart', (t) => {
  const svg = renderChart('nothing yet', [{ title: 'empty', yLabel: 'n', series: [] }]);
  t.notThrows(() => wellFormed(svg));
  t.false(svg.includes('NaN'));
});

test('escapeXml escapes the five XML specials', (t) => {
  t.is(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});
