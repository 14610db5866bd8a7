import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errorCodes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the error code catalogue', () => {
  it("has a row in the README's error table for every code", () => {
    const table = readme.slice(readme.indexOf('| code | meaning |')).split('\n\n')[0]!;
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \| /gm)].map((match) => match[1]);
    expect(documented).toEqual(expect.arrayContaining(Object.keys(errorCodes)));
  });
});
