/** One column of a benchmark's table: its heading, width and how a row's figure is shown. */
export interface Column<Row> {
  title: string;
  width: number;
  show: (row: Row) => string;
}

/** A figure right-aligned to `digits`, or a dash when there is none (no responses, a reference of zero). */
export const figure = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** The rows as an aligned text table, the first column left-aligned (the contender's name), the rest right-aligned. */
export function formatTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const line = (cells: string[]) => cells.map((text, i) => (i === 0 ? text.padEnd(columns[i]!.width) : text.padStart(columns[i]!.width))).join('');
  return [line(columns.map((column) => column.title)), ...rows.map((row) => line(columns.map((column) => column.show(row))))].join('\n');
}
