import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { seedNotes } from '../src/index.ts';
import { alice, bob, errorOf, insertNote, insertTags } from './fixtures.ts';

const NOTES = `query($first: Int, $after: String, $filter: NoteFilter) {
  notes(first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { id title } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
const SEARCH = `query($query: String!, $first: Int, $after: String) {
  searchNotes(query: $query, first: $first, after: $after) {
    totalCount edges { node { id title createdAt } } pageInfo { hasNextPage endCursor } } }`;

type Page = { totalCount: number; edges: { node: { id: string; title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

let notes: StartedSubgraph<'notes'>;

beforeAll(async () => {
  notes = await startSubgraphForTest('notes');
  await seedNotes(notes.db);
});
afterAll(() => notes?.stop());

/** Follows `endCursor` until `hasNextPage` is false, collecting every node id. */
async function readAllPages(query: string, field: 'notes' | 'searchNotes', variables: Record<string, unknown>) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const response = await graphql(notes.url, query, { ...variables, after });
    expect(response.errors).toBeUndefined();
    const page = response.data![field] as Page;
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('seed', () => {
  it('changes nothing when run a second time', async () => {
    const before = await Promise.all([notes.db.note.findMany(), notes.db.tag.findMany(), notes.db.noteTag.count()]);
    expect(await seedNotes(notes.db)).toEqual({ tags: 0, notes: 0 });
    expect(await Promise.all([notes.db.note.findMany(), notes.db.tag.findMany(), notes.db.noteTag.count()])).toEqual(before);
  });
});

describe('note', () => {
  it('returns a note with its tags and a reference to its author', async () => {
    const [tagId] = await insertTags(notes.db, 1);
    const id = await insertNote(notes.db, { authorId: bob.id, title: 'Lookup', tagIds: [tagId!] });
    const response = await graphql(notes.url, 'query($id: ID!) { note(id: $id) { title version author { id } tags { id } } }', { id });
    expect(response.data!.note).toEqual({ title: 'Lookup', version: 1, author: { id: bob.id }, tags: [{ id: tagId }] });
  });

  it('returns null for an id with no note', async () => {
    const response = await graphql(notes.url, '{ note(id: "00000000-0000-4000-8000-00000000ffff") { id } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.note).toBeNull();
  });

  it('rejects a malformed id with BAD_USER_INPUT on id', async () => {
    const response = await graphql(notes.url, '{ note(id: "42") { id } }');
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('notes', () => {
  it('pages through every note newest first without duplicates, and reports the total', async () => {
    const ids = await readAllPages(NOTES, 'notes', { first: 3 });
    const rows = await notes.db.note.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    expect(ids).toEqual(rows.map(({ id }) => id));
    const first = await graphql(notes.url, NOTES, { first: 3 });
    expect(first.data!.notes.totalCount).toBe(rows.length);
    expect(first.data!.notes.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('keeps pages apart when notes share a creation time', async () => {
    const authorId = '00000000-0000-4000-8000-00000000a001';
    const createdAt = new Date('2026-01-01T00:00:00.000Z');
    const inserted = await Promise.all(Array.from({ length: 5 }, () => insertNote(notes.db, { authorId, createdAt })));
    const ids = await readAllPages(NOTES, 'notes', { first: 2, filter: { authorId } });
    expect(ids).toEqual([...inserted].sort().reverse());
  });

  it('filters by author', async () => {
    const response = await graphql(notes.url, NOTES, { first: 100, filter: { authorId: alice.id } });
    const expected = await notes.db.note.count({ where: { authorId: alice.id } });
    expect(response.data!.notes.edges).toHaveLength(expected);
    expect(response.data!.notes.totalCount).toBe(expected);
  });

  it('filters by tags, keeping only notes that carry every one of them', async () => {
    const [shared, extra] = await insertTags(notes.db, 2);
    const both = await insertNote(notes.db, { tagIds: [shared!, extra!] });
    const one = await insertNote(notes.db, { tagIds: [shared!] });
    const everyTag = await graphql(notes.url, NOTES, { filter: { tagIds: [shared, extra] } });
    expect(everyTag.data!.notes.edges.map((edge: any) => edge.node.id)).toEqual([both]);
    expect(everyTag.data!.notes.totalCount).toBe(1);
    const oneTag = await graphql(notes.url, NOTES, { filter: { tagIds: [shared] } });
    expect(oneTag.data!.notes.edges.map((edge: any) => edge.node.id).sort()).toEqual([both, one].sort());
  });

  it('filters by creation date, both bounds exclusive', async () => {
    const authorId = '00000000-0000-4000-8000-00000000a002';
    const [, middle, late] = await Promise.all(
      ['2025-03-01', '2025-03-02', '2025-03-03'].map((day) => insertNote(notes.db, { authorId, createdAt: new Date(`${day}T12:00:00Z`) })),
    );
    const between = await graphql(notes.url, NOTES, {
      filter: { authorId, createdAfter: '2025-03-01T12:00:00Z', createdBefore: '2025-03-03T12:00:00Z' },
    });
    expect(between.data!.notes.edges.map((edge: any) => edge.node.id)).toEqual([middle]);
    const after = await graphql(notes.url, NOTES, { filter: { authorId, createdAfter: '2025-03-01T13:00:00Z' } });
    expect(after.data!.notes.edges.map((edge: any) => edge.node.id)).toEqual([late, middle]);
  });

  it.each([
    ['first over 100', { first: 101 }, 'first'],
    ['a negative first', { first: -1 }, 'first'],
    ['a cursor it did not issue', { after: 'garbage' }, 'after'],
    ['a forged cursor with a non-uuid id', { after: Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 'x'])).toString('base64url') }, 'after'],
    ['a malformed author id', { filter: { authorId: 'alice' } }, 'filter.authorId'],
    ['a malformed tag id', { filter: { tagIds: ['nope'] } }, 'filter.tagIds'],
  ])('rejects %s with BAD_USER_INPUT on %s', async (_case, variables, field) => {
    const response = await graphql(notes.url, NOTES, variables);
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});

describe('searchNotes', () => {
  it('finds seeded notes by a word in their title or content, newest first', async () => {
    const response = await graphql(notes.url, SEARCH, { query: 'federation' });
    const found = response.data!.searchNotes.edges.map((edge: any) => edge.node);
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(response.data!.searchNotes.totalCount).toBe(found.length);
    const times = found.map((node: any) => Date.parse(node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('finds a note by a word in its content only and returns nothing else', async () => {
    const id = await insertNote(notes.db, { title: 'Travel', content: 'Spice markets of Zanzibar at dawn.' });
    await insertNote(notes.db, { title: 'Travel plans', content: 'Spice markets of Marrakesh at dusk.' });
    const response = await graphql(notes.url, SEARCH, { query: 'zanzibar' });
    expect(response.data!.searchNotes.edges.map((edge: any) => edge.node.id)).toEqual([id]);
    expect(response.data!.searchNotes.totalCount).toBe(1);
  });

  it('understands websearch syntax: stemming, phrases and exclusions', async () => {
    const keep = await insertNote(notes.db, { title: 'Quokka photos', content: 'Smiling quokkas on Rottnest island.' });
    await insertNote(notes.db, { title: 'Quokka facts', content: 'A quokka is a marsupial.' });
    const response = await graphql(notes.url, SEARCH, { query: '"smiling quokka" -marsupial' });
    expect(response.data!.searchNotes.edges.map((edge: any) => edge.node.id)).toEqual([keep]);
  });

  it('pages through matches without duplicates', async () => {
    const inserted = await Promise.all(
      Array.from({ length: 5 }, (_, i) => insertNote(notes.db, { content: `Axolotl sighting ${i}`, createdAt: new Date(Date.UTC(2024, 0, 1 + i)) })),
    );
    const ids = await readAllPages(SEARCH, 'searchNotes', { query: 'axolotl', first: 2 });
    expect(ids).toEqual([...inserted].reverse());
  });

  it.each([
    ['a blank query', '   '],
    ['a query over 200 characters', 'word '.repeat(41)],
  ])('rejects %s with BAD_USER_INPUT on query', async (_case, query) => {
    const response = await graphql(notes.url, SEARCH, { query });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'query' });
  });

  it('rejects first over 100 with BAD_USER_INPUT on first', async () => {
    const response = await graphql(notes.url, SEARCH, { query: 'federation', first: 101 });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('tags', () => {
  it('pages through tags newest first without duplicates', async () => {
    const query = 'query($after: String) { tags(first: 4, after: $after) { totalCount edges { node { id name } } pageInfo { hasNextPage endCursor } } }';
    const ids: string[] = [];
    let after: string | null = null;
    let page;
    do {
      page = (await graphql(notes.url, query, { after })).data!.tags;
      ids.push(...page.edges.map((edge: any) => edge.node.id));
      after = page.pageInfo.endCursor;
    } while (page.pageInfo.hasNextPage);
    const rows = await notes.db.tag.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    expect(ids).toEqual(rows.map(({ id }) => id));
    expect(page.totalCount).toBe(rows.length);
  });

  it('rejects first over 100 with BAD_USER_INPUT on first', async () => {
    const response = await graphql(notes.url, '{ tags(first: 101) { totalCount } }');
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
