/**
 * Merges what a subgraph sent for an entity (`source`) into what the
 * response holds for it so far (`target`), in place, as the gateway's
 * `deepMerge` does: objects merge, lists of the same length merge element by
 * element, anything else replaces, `undefined` is skipped. A name `target`
 * only inherits (`constructor`, `__proto__`) becomes its own before it is
 * read or written. Without the gateway's list of keys per object merged.
 */
export function mergeInto(target: Record<string, unknown>, source: unknown): void {
  if (source === undefined || source === null) return;
  const from = source as Record<string, unknown>;
  for (const key in from) {
    if (!Object.prototype.hasOwnProperty.call(from, key)) continue;
    const value = from[key];
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(target, key) && key in target) {
      Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    }
    const existing = target[key];
    if (existing && isObject(value)) {
      mergeInto(existing as Record<string, unknown>, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        if (isObject(existing[index]) && isObject(value[index])) mergeInto(existing[index], value[index]);
        else existing[index] = value[index];
      }
    } else {
      target[key] = value;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
