import type { ResponsePath } from '@apollo/query-planner';

/**
 * The values at `path` in `value`, where `@` stands for every element of a
 * list: what a Flatten node of a query plan fetches for. Gives what the
 * gateway's `flattenResultsAtPath` gives (null or undefined where the path
 * ends early, one level of lists spread per `@`), without its copy of the
 * remaining path and its intermediate array per step and element, which
 * made it the router's largest allocation after result shaping.
 */
export function flattenAt(value: unknown, path: ResponsePath): unknown {
  const { value: reached, index } = followFields(value, path, 0);
  if (index === path.length || reached === undefined || reached === null) return reached;
  const flattened: unknown[] = [];
  for (const element of listAt(reached)) pushFlattened(element, path, index + 1, flattened);
  return flattened;
}

/** Pushes onto `into` what `[element].flatMap(e => flattenAt(e, path.slice(from)))` would hold. */
function pushFlattened(element: unknown, path: ResponsePath, from: number, into: unknown[]): void {
  const { value, index } = followFields(element, path, from);
  if (index === path.length || value === undefined || value === null) {
    if (Array.isArray(value)) for (const item of value) into.push(item);
    else into.push(value);
    return;
  }
  for (const item of listAt(value)) pushFlattened(item, path, index + 1, into);
}

/** Follows the field names of `path` from `from` up to its next `@`, its end, or a missing value. */
function followFields(value: unknown, path: ResponsePath, from: number): { value: unknown; index: number } {
  let index = from;
  while (index < path.length && value !== undefined && value !== null && path[index] !== '@') {
    const field = path[index];
    if (typeof field !== 'string') throw new Error(`Unexpected ${typeof field} found in path`);
    if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${field}`);
    value = Object.prototype.hasOwnProperty.call(value, field) ? (value as Record<string, unknown>)[field] : undefined;
    index++;
  }
  return { value, index };
}

function listAt(value: unknown): unknown[] {
  // The gateway calls `value.flatMap` here, and fails the same way on anything else.
  if (!Array.isArray(value)) throw new TypeError('value.flatMap is not a function');
  return value;
}
