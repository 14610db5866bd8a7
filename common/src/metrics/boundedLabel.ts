/** The label value every name beyond the bound is counted under. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label whose values clients choose (operation names) from growing
 * without bound: the first `max` distinct values admitted keep their own
 * series, every later one is counted as `other`. Each distinct label value
 * is a time series Prometheus stores for ever, so a client sending a fresh
 * name per request could otherwise exhaust its memory (and ours).
 */
export class BoundedLabel {
  private readonly admitted = new Set<string>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 0) throw new TypeError(`BoundedLabel needs a whole number of values of at least 0, got ${String(max)}.`);
  }

  /**
   * The label for `value`. Only `admit`ted values take a new place; the
   * others are labelled by their own name only if it already has one. The
   * router passes `admit = false` for operations it refused, so names in
   * documents that never ran cannot use up the places.
   */
  of(value: string, admit = true): string {
    if (this.admitted.has(value)) return value;
    if (!admit || this.admitted.size >= this.max) return OTHER_LABEL;
    this.admitted.add(value);
    return value;
  }

  get size(): number {
    return this.admitted.size;
  }
}
