import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { alice, bob, errorOf, insertNote, insertTags, snapshot } from './fixtures.ts';

const NOTE_FIELDS = 'id title content version author { id } tags { id name }';
const CREATE_NOTE = `mutation($input: CreateNoteInput!) { createNote(input: $input) { ${NOTE_FIELDS} createdAt updatedAt } }`;
const UPDATE_NOTE = `mutation($id: ID!, $input: UpdateNoteInput!, $expectedVersion: Int!) {
  updateNote(id: $id, input: $input, expectedVersion: $expectedVersion) { ${NOTE_FIELDS} } }`;
const DELETE_NOTE = `mutation($id: ID!) { deleteNote(id: $id) { id } }`;
const ADD_TAG = `mutation($noteId: ID!, $tagId: ID!) { addTagToNote(noteId: $noteId, tagId: $tagId) { ${NOTE_FIELDS} } }`;
const CREATE_TAG = `mutation($name: String!) { createTag(name: $name) { id name } }`;

const MISSING_ID = '00000000-0000-4000-8000-00000000ffff';

let notes: StartedSubgraph<'notes'>;
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  notes = await startSubgraphForTest('notes');
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id)]);
});
afterAll(() => notes?.stop());

const asAlice = (query: string, variables: Record<string, unknown>) => graphql(notes.url, query, variables, { token: aliceToken });

describe('createNote', () => {
  it('creates a note by the signed-in user, with a trimmed title and its tags in name order', async () => {
    const [first, second] = await insertTags(notes.db, 2);
    const response = await asAlice(CREATE_NOTE, {
      input: { title: '  Groceries  ', content: 'Milk, eggs.', tagIds: [second, first, second] },
    });
    expect(response.errors).toBeUndefined();
    const note = response.data!.createNote;
    expect(note).toMatchObject({ title: 'Groceries', content: 'Milk, eggs.', version: 1, author: { id: alice.id } });
    // Written by hand (one statement), so the timestamps Prisma would set are checked too.
    expect(Math.abs(Date.parse(note.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(note.updatedAt).toBe(note.createdAt);
    const names = note.tags.map((tag: { name: string }) => tag.name);
    expect(names).toEqual([...names].sort());
    expect(note.tags.map((tag: { id: string }) => tag.id).sort()).toEqual([first, second].sort());
  });

  it('accepts a title of exactly 200 characters and empty content', async () => {
    const response = await asAlice(CREATE_NOTE, { input: { title: 'x'.repeat(200), content: '' } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.createNote.title).toHaveLength(200);
  });

  it.each([
    ['an empty title', { title: '   ', content: 'c' }, 'input.title'],
    ['a note title over 200 characters', { title: 'x'.repeat(201), content: 'c' }, 'input.title'],
    ['content over 20,000 characters', { title: 't', content: 'x'.repeat(20_001) }, 'input.content'],
    ['a malformed tag id', { title: 't', content: 'c', tagIds: ['42'] }, 'input.tagIds'],
    ['more than 20 tags', { title: 't', content: 'c', tagIds: Array.from({ length: 21 }, () => MISSING_ID) }, 'input.tagIds'],
  ])('rejects %s with BAD_USER_INPUT on its field and writes nothing', async (_case, input, field) => {
    const before = await snapshot(notes.db);
    const response = await asAlice(CREATE_NOTE, { input });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(response.data).toBeNull();
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it('rejects an unknown tag id with BAD_USER_INPUT on input.tagIds naming it, and writes nothing', async () => {
    const [known] = await insertTags(notes.db, 1);
    const before = await snapshot(notes.db);
    const response = await asAlice(CREATE_NOTE, { input: { title: 't', content: 'c', tagIds: [known, MISSING_ID] } });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.tagIds' });
    expect(response.errors![0]!.message).toContain(MISSING_ID);
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it('rejects a call without a token with UNAUTHENTICATED and writes nothing', async () => {
    const before = await snapshot(notes.db);
    const response = await graphql(notes.url, CREATE_NOTE, { input: { title: 't', content: 'c' } });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await snapshot(notes.db)).toEqual(before);
  });
});

describe('updateNote', () => {
  let noteId: string;
  beforeEach(async () => {
    noteId = await insertNote(notes.db, { authorId: alice.id, title: 'Original', content: 'Original content' });
  });
  const note = () => notes.db.note.findUniqueOrThrow({ where: { id: noteId } });

  it('changes only the fields given and bumps the version by one', async () => {
    const response = await asAlice(UPDATE_NOTE, { id: noteId, input: { title: ' Renamed ' }, expectedVersion: 1 });
    expect(response.errors).toBeUndefined();
    expect(response.data!.updateNote).toMatchObject({ title: 'Renamed', content: 'Original content', version: 2 });
    const row = await note();
    expect(row.updatedAt.getTime()).toBeGreaterThan(row.createdAt.getTime());
  });

  it('rejects a stale expectedVersion with CONFLICT on expectedVersion, reports the current version and changes nothing', async () => {
    await asAlice(UPDATE_NOTE, { id: noteId, input: { content: 'Second' }, expectedVersion: 1 });
    const before = await note();
    const response = await asAlice(UPDATE_NOTE, { id: noteId, input: { content: 'Lost update' }, expectedVersion: 1 });
    expect(errorOf(response)).toEqual({ code: 'CONFLICT', field: 'expectedVersion' });
    expect(response.errors![0]!.extensions!.currentVersion).toBe(2);
    expect(await note()).toEqual(before);
    expect(before).toMatchObject({ version: 2, content: 'Second' });
  });

  it('lets exactly one of two concurrent updates from the same version through; the other gets CONFLICT', async () => {
    const responses = await Promise.all(
      ['First writer', 'Second writer'].map((content) => asAlice(UPDATE_NOTE, { id: noteId, input: { content }, expectedVersion: 1 })),
    );
    const succeeded = responses.filter((response) => !response.errors);
    const conflicted = responses.filter((response) => errorCode(response) === 'CONFLICT');
    expect(succeeded).toHaveLength(1);
    expect(conflicted).toHaveLength(1);
    expect(await note()).toMatchObject({ version: 2, content: succeeded[0]!.data!.updateNote.content });
  });

  it("forbids editing another user's note with FORBIDDEN and changes nothing", async () => {
    const before = await note();
    const response = await graphql(notes.url, UPDATE_NOTE, { id: noteId, input: { title: 'Mine now' }, expectedVersion: 1 }, { token: bobToken });
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(await note()).toEqual(before);
  });

  it('answers NOT_FOUND on id for a note that does not exist', async () => {
    const response = await asAlice(UPDATE_NOTE, { id: MISSING_ID, input: { title: 'x' }, expectedVersion: 1 });
    expect(errorOf(response)).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it.each([
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'input.title'],
    ['an empty title', { title: '' }, 'input.title'],
    ['content over 20,000 characters', { content: 'x'.repeat(20_001) }, 'input.content'],
    ['an input that changes nothing', {}, 'input'],
  ])('rejects %s with BAD_USER_INPUT on its field and changes nothing', async (_case, input, field) => {
    const before = await note();
    const response = await asAlice(UPDATE_NOTE, { id: noteId, input, expectedVersion: 1 });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await note()).toEqual(before);
  });

  it('rejects a call without a token with UNAUTHENTICATED and changes nothing', async () => {
    const before = await note();
    const response = await graphql(notes.url, UPDATE_NOTE, { id: noteId, input: { title: 'x' }, expectedVersion: 1 });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await note()).toEqual(before);
  });
});

describe('deleteNote', () => {
  it("deletes the signed-in user's note together with its tag links", async () => {
    const noteId = await insertNote(notes.db, { tagIds: await insertTags(notes.db, 2) });
    const response = await asAlice(DELETE_NOTE, { id: noteId });
    expect(response.data!.deleteNote).toEqual({ id: noteId });
    expect(await notes.db.note.count({ where: { id: noteId } })).toBe(0);
    expect(await notes.db.noteTag.count({ where: { noteId } })).toBe(0);
  });

  it("forbids deleting another user's note with FORBIDDEN and deletes nothing", async () => {
    const noteId = await insertNote(notes.db, { authorId: bob.id });
    const before = await snapshot(notes.db);
    const response = await asAlice(DELETE_NOTE, { id: noteId });
    expect(errorCode(response)).toBe('FORBIDDEN');
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it('answers NOT_FOUND on id for a note that does not exist', async () => {
    const response = await asAlice(DELETE_NOTE, { id: MISSING_ID });
    expect(errorOf(response)).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it('rejects a call without a token with UNAUTHENTICATED', async () => {
    const noteId = await insertNote(notes.db);
    const response = await graphql(notes.url, DELETE_NOTE, { id: noteId });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await notes.db.note.count({ where: { id: noteId } })).toBe(1);
  });
});

describe('addTagToNote', () => {
  it('tags the note and bumps its version', async () => {
    const noteId = await insertNote(notes.db);
    const [tagId] = await insertTags(notes.db, 1);
    const response = await asAlice(ADD_TAG, { noteId, tagId });
    expect(response.data!.addTagToNote).toMatchObject({ version: 2, tags: [{ id: tagId }] });
  });

  it('treats tagging twice as a no-op that keeps the version', async () => {
    const [tagId] = await insertTags(notes.db, 1);
    const noteId = await insertNote(notes.db, { tagIds: [tagId!] });
    const response = await asAlice(ADD_TAG, { noteId, tagId });
    expect(response.data!.addTagToNote).toMatchObject({ version: 1, tags: [{ id: tagId }] });
    expect(await notes.db.noteTag.count({ where: { noteId } })).toBe(1);
  });

  it('rejects an unknown tag with BAD_USER_INPUT on tagId and changes nothing', async () => {
    const noteId = await insertNote(notes.db);
    const before = await snapshot(notes.db);
    const response = await asAlice(ADD_TAG, { noteId, tagId: MISSING_ID });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'tagId' });
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it('refuses a 21st tag with BAD_USER_INPUT on tagId and changes nothing', async () => {
    const tagIds = await insertTags(notes.db, 21);
    const noteId = await insertNote(notes.db, { tagIds: tagIds.slice(0, 20) });
    const before = await snapshot(notes.db);
    const response = await asAlice(ADD_TAG, { noteId, tagId: tagIds[20] });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'tagId' });
    expect(response.errors![0]!.extensions!.max).toBe(20);
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it("forbids tagging another user's note with FORBIDDEN on noteId and changes nothing", async () => {
    const noteId = await insertNote(notes.db, { authorId: bob.id });
    const [tagId] = await insertTags(notes.db, 1);
    const before = await snapshot(notes.db);
    const response = await asAlice(ADD_TAG, { noteId, tagId });
    expect(errorOf(response)).toEqual({ code: 'FORBIDDEN', field: 'noteId' });
    expect(await snapshot(notes.db)).toEqual(before);
  });

  it('answers NOT_FOUND on noteId for a note that does not exist', async () => {
    const [tagId] = await insertTags(notes.db, 1);
    const response = await asAlice(ADD_TAG, { noteId: MISSING_ID, tagId });
    expect(errorOf(response)).toEqual({ code: 'NOT_FOUND', field: 'noteId' });
  });
});

describe('createTag', () => {
  it('creates a tag with the trimmed name', async () => {
    const response = await asAlice(CREATE_TAG, { name: '  Event Sourcing ' });
    expect(response.data!.createTag.name).toBe('Event Sourcing');
    expect(await notes.db.tag.count({ where: { id: response.data!.createTag.id } })).toBe(1);
  });

  it('returns the existing tag for the same name in another case, and creates nothing', async () => {
    const created = await asAlice(CREATE_TAG, { name: 'Kubernetes' });
    const tagsBefore = await notes.db.tag.count();
    const again = await graphql(notes.url, CREATE_TAG, { name: 'KUBERNETES' }, { token: bobToken });
    expect(again.data!.createTag).toEqual(created.data!.createTag);
    expect(await notes.db.tag.count()).toBe(tagsBefore);
  });

  it('creates one tag when the same name is created concurrently', async () => {
    const responses = await Promise.all(['Concurrent', 'concurrent', 'CONCURRENT'].map((name) => asAlice(CREATE_TAG, { name })));
    expect(new Set(responses.map((response) => response.data!.createTag.id)).size).toBe(1);
    expect(await notes.db.tag.count({ where: { nameKey: 'concurrent' } })).toBe(1);
  });

  it.each([
    ['a blank name', '   '],
    ['a name over 50 characters', 'x'.repeat(51)],
  ])('rejects %s with BAD_USER_INPUT on name and writes nothing', async (_case, name) => {
    const before = await notes.db.tag.count();
    const response = await asAlice(CREATE_TAG, { name });
    expect(errorOf(response)).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await notes.db.tag.count()).toBe(before);
  });

  it('rejects a call without a token with UNAUTHENTICATED and writes nothing', async () => {
    const before = await notes.db.tag.count();
    const response = await graphql(notes.url, CREATE_TAG, { name: 'anonymous' });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(await notes.db.tag.count()).toBe(before);
  });
});
