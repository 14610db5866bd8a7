import { figure, formatTable, type Column } from './benchTable.ts';

/** Processes first in this order (the pipeline's path), then any other the runs saw, by name. */
const ORDER = ['router', 'bridge', 'RabbitMQ', 'Redis', 'PostgreSQL', 'bench', 'other'];

/**
 * CPU milliseconds per event by process, one column per run (`processCpu`
 * names), with their sum: what each part of the pipeline costs, and what
 * fanning out to more subscribers adds.
 */
export function cpuPerEventTable(runs: { name: string; cpuPerEventMs: Map<string, number> }[]): string {
  const seen = new Set(runs.flatMap((run) => [...run.cpuPerEventMs.keys()]));
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : 0.5);
  const names = [...seen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rows = [
    ...names.map((name) => ({ name, values: runs.map((run) => run.cpuPerEventMs.get(name) ?? 0) })),
    { name: 'total', values: runs.map((run) => [...run.cpuPerEventMs.values()].reduce((sum, ms) => sum + ms, 0)) },
  ];
  const columns: Column<(typeof rows)[number]>[] = [
    { title: 'CPU ms per event', width: 18, show: (row) => row.name },
    ...runs.map((run, i) => ({ title: run.name, width: Math.max(12, run.name.length + 2), show: (row: (typeof rows)[number]) => figure(row.values[i]!, 2) })),
  ];
  return formatTable(columns, rows);
}
