import path from 'node:path';
import type { CostLimits, OperationCost } from './operationCosts.ts';

/** The human-readable `cost` output: operations by file, each with its estimate and verdict, then a summary. */
export function formatOperationCosts(costs: OperationCost[], limits: CostLimits, cwd = process.cwd()): string {
  const lines = [`Limit ${limits.limit} (COST_LIMIT); a list without @listSize counts ${limits.defaultListSize} items (COST_DEFAULT_LIST_SIZE).`];
  const nameWidth = Math.max(0, ...costs.map((cost) => cost.name.length));
  const costWidth = Math.max(0, ...costs.map((cost) => String(cost.estimated ?? '').length));
  let source: string | undefined;
  for (const cost of costs) {
    if (cost.source !== source) {
      source = cost.source;
      const relative = path.relative(cwd, source);
      lines.push('', relative.startsWith('..') || path.isAbsolute(relative) ? source : relative);
    }
    const verdict = cost.errors.length ? `cannot run: ${cost.errors.join('; ')}` : cost.ok ? 'ok' : 'OVER THE LIMIT';
    lines.push(`  ${cost.name.padEnd(nameWidth)}  ${String(cost.estimated ?? '-').padStart(costWidth)}  ${verdict}`);
  }
  const failed = costs.filter((cost) => !cost.ok).length;
  lines.push('', failed ? `FAILED: the router would refuse ${failed} of the ${costs.length} operations.` : `OK: all ${costs.length} operations are within the limit.`);
  return lines.join('\n');
}
