import { describe, expect, it } from 'vitest';
import { BoundedLabel, OTHER_LABEL } from '../src/metrics/boundedLabel.ts';

describe('BoundedLabel', () => {
  it('keeps the first values up to its bound and counts every later one as other', () => {
    const label = new BoundedLabel(2);
    expect(['A', 'B', 'C', 'A', 'D', 'B'].map((value) => label.of(value))).toEqual(['A', 'B', OTHER_LABEL, 'A', OTHER_LABEL, 'B']);
    expect(label.size).toBe(2);
  });

  it('gives a value not admitted no place of its own, yet labels it by name once it has one', () => {
    const label = new BoundedLabel(1);
    expect(label.of('Refused', false)).toBe(OTHER_LABEL);
    expect(label.of('Ran')).toBe('Ran');
    expect(label.of('Ran', false)).toBe('Ran');
  });

  it('refuses a bound that is not a whole number of at least 0, showing it', () => {
    expect(() => new BoundedLabel(-1)).toThrow(new TypeError('BoundedLabel needs a whole number of values of at least 0, got -1.'));
  });
});
