import type { MinuteFigures } from './delivery-rates.js';

/** `2026-11-22T11:42Z`: minutes are UTC. */
const minuteLabel = (minute: number) => `${new Date(minute).toISOString().slice(0, 16)}Z`;

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/** The figures as an aligned text table, one line per provider and minute. */
export function formatTable(rows: readonly MinuteFigures[]): string {
  const header = ['minute (UTC)', 'provider', 'sent', 'delivered', 'undelivered', 'failed', 'delivery rate'];
  const cells = rows.map((row) => [
    minuteLabel(row.minute),
    row.providerId,
    String(row.sent),
    String(row.delivered),
    String(row.undelivered),
    String(row.failed),
    percent(row.deliveryRate),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  // Names left-aligned, figures right-aligned.
  const render = (line: readonly string[]) =>
    line
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), ...cells.map(render)].join('\n');
}

/** The figures as JSON objects with snake_case keys, like Herald's API. */
export function toJson(row: MinuteFigures) {
  return {
    provider_id: row.providerId,
    minute: new Date(row.minute).toISOString(),
    sent: row.sent,
    delivered: row.delivered,
    undelivered: row.undelivered,
    failed: row.failed,
    delivery_rate: row.deliveryRate,
  };
}
