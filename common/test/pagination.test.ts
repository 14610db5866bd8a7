import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, PAGE_SIZE, pageKey, readPage, toConnection } from '../src/pagination.ts';

const row = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, createdAt: new Date(Date.UTC(2026, 0, n)) });

describe('readPage', () => {
  it('defaults to the documented page size', () => {
    expect(readPage({})).toEqual({ take: PAGE_SIZE.default, after: null });
  });

  it('rejects first over the maximum, naming the argument and the limit', () => {
    expect(() => readPage({ first: PAGE_SIZE.max + 1 }, 'notes.')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'notes.first', max: PAGE_SIZE.max } }),
    );
  });

  it('rejects a negative first', () => {
    expect(() => readPage({ first: -1 })).toThrow(/between 0 and 100/);
  });
});

describe('cursors', () => {
  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(row(3)))).toEqual(row(3));
  });

  it.each(['garbage', Buffer.from('["not a date","x"]').toString('base64url'), Buffer.from('[1]').toString('base64url')])(
    'rejects the foreign cursor %s with BAD_USER_INPUT on after',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
    },
  );

  it('gives equal pages equal keys and different pages different keys', () => {
    expect(pageKey(readPage({ first: 5 }))).toBe(pageKey(readPage({ first: 5 })));
    expect(pageKey(readPage({ first: 5 }))).not.toBe(pageKey(readPage({ first: 5, after: encodeCursor(row(1)) })));
  });
});

describe('toConnection', () => {
  it('uses the extra row only to report a next page', async () => {
    const connection = toConnection([row(3), row(2), row(1)], { take: 2, after: null }, async () => 3);
    expect(connection.edges.map((edge) => edge.node)).toEqual([row(3), row(2)]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: encodeCursor(row(2)) });
    expect(await connection.totalCount()).toBe(3);
  });

  it('reports no next page on the last page', () => {
    const connection = toConnection([row(1)], { take: 2, after: row(2) }, async () => 3);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
