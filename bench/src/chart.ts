// Line charts as SVG written by hand: no dependency, renders in GitHub's markdown, diffable.

/** One line of a chart: (x, y) points in x order. */
export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** A chart panel: its own y axis, the x axis shared with the other panels. */
export interface ChartPanel {
  title: string;
  yLabel: string;
  series: readonly ChartSeries[];
}

const WIDTH = 960;
const PANEL_HEIGHT = 250;
const MARGIN = { left: 80, right: 190, top: 34, bottom: 36 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** The smallest 1, 2 or 5 × 10^k at or above `value` (1 for 0 or less): an axis end people can read. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value - 1e-9 * power) return step * power;
  return 10 * power;
}

/** An axis from 0 to at least `max` in about `ticks` steps of a readable size (1, 2 or 5 × 10^k). */
export function axis(max: number, ticks: number): { max: number; step: number } {
  const step = niceCeil(max / ticks);
  return { max: Math.max(step, Math.ceil(max / step - 1e-9) * step), step };
}

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const label = (value: number) =>
  value >= 1_000_000
    ? `${Number((value / 1_000_000).toPrecision(3))}M`
    : value >= 10_000
      ? `${Number((value / 1000).toPrecision(3))}k`
      : Number(value.toPrecision(4)).toLocaleString('en-US');

function panel(spec: ChartPanel, top: number, xAxis: { max: number; step: number }): string[] {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const yAxis = axis(Math.max(0, ...spec.series.flatMap((s) => s.points.map(([, y]) => y))), 4);
  const [xMax, yMax] = [xAxis.max, yAxis.max];
  const x = (value: number) => MARGIN.left + (value / xMax) * plotWidth;
  const y = (value: number) => top + MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const out = [
    `<g class="panel">`,
    `<text x="${MARGIN.left}" y="${top + 20}" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<text x="16" y="${top + MARGIN.top + plotHeight / 2}" font-size="12" transform="rotate(-90 16 ${top + MARGIN.top + plotHeight / 2})" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  ];
  for (let value = 0; value <= yMax + 1e-9; value += yAxis.step) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(value) + 4).toFixed(1)}" font-size="11" text-anchor="end">${label(value)}</text>`,
    );
  }
  for (let value = 0; value <= xMax + 1e-9; value += xAxis.step) {
    out.push(
      `<text x="${x(value).toFixed(1)}" y="${top + PANEL_HEIGHT - 16}" font-size="11" text-anchor="middle">${label(value)}</text>`,
    );
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${top + MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
  );
  spec.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length] ?? '#000';
    const points = series.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    // Few points (a sweep) get a marker each, so a single point is visible too.
    if (series.points.length <= 20)
      for (const [px, py] of series.points)
        out.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3.5" fill="${color}"/>`);
    out.push(
      `<polyline class="series" data-name="${escapeXml(series.name)}" fill="none" stroke="${color}" stroke-width="1.8" points="${points}"/>`,
      `<line x1="${WIDTH - MARGIN.right + 14}" x2="${WIDTH - MARGIN.right + 34}" y1="${top + MARGIN.top + 10 + index * 18}" y2="${top + MARGIN.top + 10 + index * 18}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${WIDTH - MARGIN.right + 40}" y="${top + MARGIN.top + 14 + index * 18}" font-size="12">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</g>');
  return out;
}

/** An SVG document of stacked panels sharing the x axis (seconds). */
export function renderChart(title: string, panels: readonly ChartPanel[], xLabel = 'seconds'): string {
  const xAxis = axis(
    Math.max(1, ...panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([px]) => px)))),
    8,
  );
  const height = 40 + panels.length * PANEL_HEIGHT + 20;
  const body = panels.flatMap((spec, index) => panel(spec, 40 + index * PANEL_HEIGHT, xAxis));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="26" font-size="17" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`,
    ...body,
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${height - 8}" font-size="12" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
