import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../../test/kit/graphql.ts';
import { countQueries } from '../../../test/kit/queryCounter.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { insertTags } from './fixtures.ts';

const userEntities = (selection: string, variables = '') =>
  `query($r: [_Any!]!${variables}) { _entities(representations: $r) { ...on User { id ${selection} } } }`;
const noteEntities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ...on Note { id ${selection} } } }`;
const USER_NOTES_AND_TAGS = userEntities('notes(first: 5) { edges { node { title tags { name } } } } noteCount');

const AUTHORS = 30;
const NOTES_PER_AUTHOR = 7;

let notes: StartedSubgraph<'notes'>;
let authorIds: string[];
let counter: ReturnType<typeof countQueries>;

/** 30 authors with 7 notes each, every note carrying two of three tags. */
beforeAll(async () => {
  notes = await startSubgraphForTest('notes');
  counter = countQueries(notes.db);
  authorIds = Array.from({ length: AUTHORS }, () => randomUUID());
  const tagIds = await insertTags(notes.db, 3);
  const rows = authorIds.flatMap((authorId, a) =>
    Array.from({ length: NOTES_PER_AUTHOR }, (_, n) => ({
      id: randomUUID(),
      authorId,
      title: `Note ${n} by author ${a}`,
      content: 'Body',
      createdAt: new Date(Date.UTC(2026, 0, 1, a, n)),
    })),
  );
  await notes.db.note.createMany({ data: rows });
  await notes.db.noteTag.createMany({
    data: rows.flatMap((row, i) => [tagIds[i % 3]!, tagIds[(i + 1) % 3]!].map((tagId) => ({ noteId: row.id, tagId }))),
  });
});
afterAll(() => notes?.stop());

/** Runs an operation and returns the response with the SQL statements it cost. */
async function measure(query: string, variables: Record<string, unknown>) {
  counter.reset();
  const response = await graphql(notes.url, query, variables);
  expect(response.errors).toBeUndefined();
  return { response, statements: counter.count };
}

const userRefs = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

describe('User entities', () => {
  it("resolves 30 users' notes, tags and counts with exactly as many SQL statements as 3 users", async () => {
    const three = await measure(USER_NOTES_AND_TAGS, { r: userRefs(authorIds.slice(0, 3)) });
    const thirty = await measure(USER_NOTES_AND_TAGS, { r: userRefs(authorIds) });
    // One statement for the notes of every author, one for their tags, one for the counts.
    expect(three.statements).toBe(3);
    expect(thirty.statements).toBe(3);
    const users = thirty.response.data!._entities;
    expect(users).toHaveLength(AUTHORS);
    for (const user of users) {
      expect(user.noteCount).toBe(NOTES_PER_AUTHOR);
      expect(user.notes.edges).toHaveLength(5);
      for (const edge of user.notes.edges) expect(edge.node.tags).toHaveLength(2);
    }
  });

  it('costs one statement when only the notes are selected: counts and tags are not fetched unasked', async () => {
    const { statements } = await measure(userEntities('notes { edges { node { title } } }'), { r: userRefs(authorIds) });
    expect(statements).toBe(1);
  });

  it('counts every author with one more statement when totalCount is selected', async () => {
    const { response, statements } = await measure(userEntities('notes(first: 2) { totalCount edges { node { id } } }'), {
      r: userRefs(authorIds),
    });
    expect(statements).toBe(2);
    expect(response.data!._entities.every((user: any) => user.notes.totalCount === NOTES_PER_AUTHOR)).toBe(true);
  });

  it("pages through one author's notes newest first, with the same cursor as for many authors", async () => {
    const page = userEntities('notes(first: 4, after: $after) { edges { node { id title } } pageInfo { hasNextPage endCursor } }', ', $after: String');
    const first = await measure(page, { r: userRefs(authorIds.slice(0, 2)), after: null });
    const [user] = first.response.data!._entities;
    expect(user.notes.pageInfo.hasNextPage).toBe(true);
    const second = await measure(page, { r: userRefs(authorIds.slice(0, 1)), after: user.notes.pageInfo.endCursor });
    const [next] = second.response.data!._entities;
    expect(next.notes.pageInfo.hasNextPage).toBe(false);
    const titles = [...user.notes.edges, ...next.notes.edges].map((edge: any) => edge.node.title);
    expect(titles).toEqual(Array.from({ length: NOTES_PER_AUTHOR }, (_, n) => `Note ${NOTES_PER_AUTHOR - 1 - n} by author 0`));
  });

  it('rejects first over 100 on User.notes with BAD_USER_INPUT on first', async () => {
    const response = await graphql(notes.url, userEntities('notes(first: 101) { totalCount }'), { r: userRefs(authorIds.slice(0, 1)) });
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('answers a user with no notes with an empty list and a count of zero', async () => {
    const { response } = await measure(userEntities('noteCount notes { totalCount edges { cursor } pageInfo { hasNextPage } }'), {
      r: userRefs([randomUUID()]),
    });
    expect(response.data!._entities[0]).toMatchObject({
      noteCount: 0,
      notes: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } },
    });
  });
});

describe('Note entities', () => {
  it('resolves many note references with one SQL statement', async () => {
    const ids = (await notes.db.note.findMany({ select: { id: true } })).map(({ id }) => id);
    const { response, statements } = await measure(noteEntities('title author { id }'), {
      r: ids.map((id) => ({ __typename: 'Note', id })),
    });
    expect(statements).toBe(1);
    expect(response.data!._entities).toHaveLength(ids.length);
    expect(response.data!._entities.every((note: any) => authorIds.includes(note.author.id))).toBe(true);
  });

  it('resolves a reference to a missing note to null', async () => {
    const { response } = await measure(noteEntities('title'), { r: [{ __typename: 'Note', id: randomUUID() }] });
    expect(response.data!._entities).toEqual([null]);
  });
});
