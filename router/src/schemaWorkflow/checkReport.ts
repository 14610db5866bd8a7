import { CriticalityLevel, type Change } from '@graphql-inspector/core';
import type { AffectedOperation } from './affectedOperations.ts';
import type { BrokenEventFeed } from './checkEventFeeds.ts';

export interface ReportedChange {
  /** inspector's change type, e.g. `FIELD_REMOVED`. */
  type: string;
  /** The schema coordinate, e.g. `Type.field`. */
  path: string | null;
  message: string;
}

export interface UsedBreakingChange extends ReportedChange {
  /** The known operations this change breaks. */
  operations: { name: string; source: string; errors: string[] }[];
}

/** The result of `check`, stable in shape for CI (`--json`). */
export interface CheckReport {
  /** `false` when a known operation breaks or a subscription's events cannot feed it: `check` exits 1. */
  ok: boolean;
  /** How many known operations were checked. */
  operationsChecked: number;
  breaking: {
    used: UsedBreakingChange[];
    unused: ReportedChange[];
    /** Subscriptions whose `@fromEvents` names a type no producer declares, or reads a payload path it lacks. */
    eventFeeds: BrokenEventFeed[];
  };
  dangerous: ReportedChange[];
  safe: ReportedChange[];
  /**
   * Every known operation the new schema rejects, whether or not a single
   * breaking change could be blamed for it; any entry fails the check.
   */
  brokenOperations: { name: string; source: string; errors: string[] }[];
}

/**
 * Sorts the changes into breaking (used by a known operation or not),
 * dangerous and safe, next to the subscriptions whose events break. A
 * breaking change is "used" when an operation that broke touches its coordinate or something under it (removing `Type`
 * breaks an operation selecting `Type.field`).
 */
export function checkReport(
  changes: Change[],
  affected: AffectedOperation[],
  operationsChecked: number,
  brokenEventFeeds: BrokenEventFeed[] = [],
): CheckReport {
  const report: CheckReport = {
    ok: affected.length === 0 && brokenEventFeeds.length === 0,
    operationsChecked,
    breaking: { used: [], unused: [], eventFeeds: brokenEventFeeds },
    dangerous: [],
    safe: [],
    brokenOperations: affected.map(({ name, source, errors }) => ({ name, source, errors })),
  };
  for (const change of changes) {
    const reported: ReportedChange = { type: String(change.type), path: change.path ?? null, message: change.message };
    if (change.criticality.level === CriticalityLevel.Dangerous) report.dangerous.push(reported);
    else if (change.criticality.level === CriticalityLevel.NonBreaking) report.safe.push(reported);
    else {
      const operations = affected
        .filter((operation) => reported.path !== null && touches(operation.coordinates, reported.path))
        .map(({ name, source, errors }) => ({ name, source, errors }));
      if (operations.length) report.breaking.used.push({ ...reported, operations });
      else report.breaking.unused.push(reported);
    }
  }
  return report;
}

function touches(coordinates: string[], path: string): boolean {
  return coordinates.some((coordinate) => coordinate === path || coordinate.startsWith(`${path}.`));
}
