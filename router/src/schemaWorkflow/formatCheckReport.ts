import type { CheckReport, ReportedChange } from './checkReport.ts';

/** The human-readable `check` output, most urgent group first. */
export function formatCheckReport(report: CheckReport): string {
  const lines: string[] = [];
  const section = (title: string, changes: ReportedChange[]) => {
    if (!changes.length) return;
    lines.push(`${title} (${changes.length})`);
    for (const change of changes) lines.push(`  - ${change.message}${change.path ? ` [${change.path}]` : ''}`);
  };

  if (report.breaking.used.length) {
    lines.push(`Breaking, used by known operations (${report.breaking.used.length})`);
    for (const change of report.breaking.used) {
      lines.push(`  - ${change.message}${change.path ? ` [${change.path}]` : ''}`);
      for (const operation of change.operations) lines.push(`      breaks ${operation.name} (${operation.source}): ${operation.errors.join('; ')}`);
    }
  }
  // Operations the new schema rejects that no single breaking change explains.
  const blamed = new Set(report.breaking.used.flatMap((change) => change.operations.map((operation) => `${operation.source}:${operation.name}`)));
  const unexplained = report.brokenOperations.filter((operation) => !blamed.has(`${operation.source}:${operation.name}`));
  if (unexplained.length) {
    lines.push(`Known operations that no longer validate (${unexplained.length})`);
    for (const operation of unexplained) lines.push(`  - ${operation.name} (${operation.source}): ${operation.errors.join('; ')}`);
  }
  section('Breaking: subscriptions their events cannot feed', report.breaking.eventFeeds);
  section('Breaking, but no known operation uses it', report.breaking.unused);
  section('Dangerous', report.dangerous);
  section('Safe', report.safe);

  const total = report.breaking.used.length + report.breaking.unused.length + report.dangerous.length + report.safe.length;
  if (total === 0) lines.push('No changes to the API schema.');
  if (report.ok) lines.push(`OK: none of the ${report.operationsChecked} known operations breaks.`);
  else {
    const failures = [];
    if (report.brokenOperations.length) failures.push(`${report.brokenOperations.length} of the ${report.operationsChecked} known operations break`);
    const feeds = new Set(report.breaking.eventFeeds.map((feed) => feed.path)).size;
    if (feeds) failures.push(`${feeds} ${feeds === 1 ? 'subscription' : 'subscriptions'} cannot be fed by ${feeds === 1 ? 'its' : 'their'} events`);
    lines.push(`FAILED: ${failures.join('; ')}.`);
  }
  return lines.join('\n');
}
