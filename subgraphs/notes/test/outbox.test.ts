import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_CHANNEL, REQUEST_ID_HEADER, settleWithin } from '@supergraph/common';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';
import { alice, bob, insertNote, insertTags } from './fixtures.ts';

const CREATE_NOTE = `mutation($input: CreateNoteInput!) { createNote(input: $input) { id version } }`;
const UPDATE_NOTE = `mutation($id: ID!, $input: UpdateNoteInput!, $expectedVersion: Int!) {
  updateNote(id: $id, input: $input, expectedVersion: $expectedVersion) { id version } }`;
const DELETE_NOTE = `mutation($id: ID!) { deleteNote(id: $id) { id } }`;
const ADD_TAG = `mutation($noteId: ID!, $tagId: ID!) { addTagToNote(noteId: $noteId, tagId: $tagId) { id version } }`;
const CREATE_TAG = `mutation($name: String!) { createTag(name: $name) { id } }`;

let notes: StartedSubgraph<'notes'>;
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  notes = await startSubgraphForTest('notes');
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice.id), tokenFor(bob.id)]);
});
afterAll(() => notes?.stop());

/** A mutation as Alice, with a request id the events must carry as their correlation id. */
const asAlice = (query: string, variables: Record<string, unknown>, requestId = 'req-alice') =>
  graphql(notes.url, query, variables, { token: aliceToken, headers: { [REQUEST_ID_HEADER]: requestId } });

const watch = () => watchOutbox(notes.db);

describe('outbox events of the notes subgraph', () => {
  it('createNote writes one note.created with the title and tags, caused by the author and the request', async () => {
    const tagIds = await insertTags(notes.db, 2);
    const outbox = await watch();
    const response = await asAlice(CREATE_NOTE, { input: { title: ' Plans ', content: 'c', tagIds } }, 'req-create');
    const noteId = response.data!.createNote.id;

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'note.created',
        aggregateType: 'Note',
        aggregateId: noteId,
        aggregateVersion: 1,
        actorId: alice.id,
        correlationId: 'req-create',
        causationId: null,
        data: { noteId, authorId: alice.id, title: 'Plans', tagIds },
      }),
    ]);
  });

  it("createNote writes the note, its tag links, its event and the relays' wake-up in one statement, with no transaction around it", async () => {
    const tagIds = await insertTags(notes.db, 2);
    const outbox = await watch();
    const listener = new pg.Client(notes.databaseUrl);
    await listener.connect();
    try {
      await listener.query(`LISTEN "${OUTBOX_CHANNEL}"`);
      const notified = once(listener, 'notification');
      const sent: string[] = [];
      let recording = true;
      notes.db.$on('query', ({ query }) => recording && sent.push(query));
      const response = await asAlice(CREATE_NOTE, { input: { title: 'One trip', content: 'c', tagIds } });
      recording = false;
      const noteId = response.data!.createNote.id;
      // The tags' existence check, then the write: no BEGIN, no COMMIT.
      expect(sent).toEqual([expect.stringContaining('"Tag"'), expect.stringMatching(/^\s*WITH note AS \(\s*INSERT INTO "Note"/)]);
      expect(response.data!.createNote.version).toBe(1);
      expect(await settleWithin(notified, 5_000), 'a NOTIFY on the outbox channel').toBe(true);
      const links = await notes.db.noteTag.findMany({ where: { noteId }, select: { tagId: true } });
      expect(links.map(({ tagId }) => tagId).sort()).toEqual([...tagIds].sort());
      expect((await outbox.events()).map(({ type, aggregateId }) => ({ type, aggregateId }))).toEqual([{ type: 'note.created', aggregateId: noteId }]);
    } finally {
      await listener.end();
    }
  });

  it('updateNote writes one note.updated at the new version, naming the fields it set', async () => {
    const noteId = await insertNote(notes.db);
    const outbox = await watch();
    await asAlice(UPDATE_NOTE, { id: noteId, input: { title: 'New title' }, expectedVersion: 1 }, 'req-update-1');
    await asAlice(UPDATE_NOTE, { id: noteId, input: { title: 'Again', content: 'New content' }, expectedVersion: 2 }, 'req-update-2');

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'note.updated',
        aggregateId: noteId,
        aggregateVersion: 2,
        actorId: alice.id,
        correlationId: 'req-update-1',
        data: { noteId, authorId: alice.id, changed: ['title'] },
      }),
      expect.objectContaining({
        type: 'note.updated',
        aggregateVersion: 3,
        correlationId: 'req-update-2',
        data: { noteId, authorId: alice.id, changed: ['title', 'content'] },
      }),
    ]);
  });

  it('deleteNote writes one note.deleted one version past the note it deleted', async () => {
    const noteId = await insertNote(notes.db);
    await asAlice(UPDATE_NOTE, { id: noteId, input: { content: 'v2' }, expectedVersion: 1 });
    const outbox = await watch();
    await asAlice(DELETE_NOTE, { id: noteId }, 'req-delete');

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'note.deleted',
        aggregateId: noteId,
        aggregateVersion: 3,
        actorId: alice.id,
        correlationId: 'req-delete',
        data: { noteId, authorId: alice.id },
      }),
    ]);
  });

  it('addTagToNote writes note.tagged at the new version, and nothing when the tag was already there', async () => {
    const noteId = await insertNote(notes.db);
    const [tagId] = await insertTags(notes.db, 1);
    const outbox = await watch();
    await asAlice(ADD_TAG, { noteId, tagId }, 'req-tag');
    const again = await asAlice(ADD_TAG, { noteId, tagId });
    expect(again.data!.addTagToNote.version).toBe(2);

    expect(await outbox.events()).toEqual([
      expect.objectContaining({
        type: 'note.tagged',
        aggregateId: noteId,
        aggregateVersion: 2,
        actorId: alice.id,
        correlationId: 'req-tag',
        data: { noteId, authorId: alice.id, tagId },
      }),
    ]);
  });

  it('createTag writes no event', async () => {
    const outbox = await watch();
    const response = await asAlice(CREATE_TAG, { name: 'No event' });
    expect(response.errors).toBeUndefined();
    expect(await outbox.events()).toEqual([]);
  });

  it('writes one event for the one of two concurrent updates from the same version that wins', async () => {
    const noteId = await insertNote(notes.db);
    const outbox = await watch();
    const responses = await Promise.all(
      ['first', 'second'].map((content) => asAlice(UPDATE_NOTE, { id: noteId, input: { content }, expectedVersion: 1 })),
    );
    expect(responses.map((response) => errorCode(response) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    expect((await outbox.events()).map(({ type, aggregateVersion }) => ({ type, aggregateVersion }))).toEqual([
      { type: 'note.updated', aggregateVersion: 2 },
    ]);
  });

  it('orders the events of one note by version when it is updated and deleted concurrently', async () => {
    const noteId = await insertNote(notes.db);
    const outbox = await watch();
    await Promise.all([
      asAlice(UPDATE_NOTE, { id: noteId, input: { content: 'racing' }, expectedVersion: 1 }),
      asAlice(DELETE_NOTE, { id: noteId }),
    ]);
    const versions = (await outbox.events()).map((event) => event.aggregateVersion);
    // Whichever ran first, the outbox lists the note's events in version order.
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  describe('a rejected mutation writes no event', () => {
    const cases: [string, () => Promise<{ query: string; variables: Record<string, unknown>; token?: string }>, string][] = [
      ['createNote with an empty title', async () => ({ query: CREATE_NOTE, variables: { input: { title: ' ', content: 'c' } } }), 'BAD_USER_INPUT'],
      [
        'createNote with an unknown tag',
        async () => ({ query: CREATE_NOTE, variables: { input: { title: 't', content: 'c', tagIds: ['00000000-0000-4000-8000-00000000ffff'] } } }),
        'BAD_USER_INPUT',
      ],
      [
        'updateNote from a stale version',
        async () => {
          const id = await insertNote(notes.db);
          await asAlice(UPDATE_NOTE, { id, input: { content: 'v2' }, expectedVersion: 1 });
          return { query: UPDATE_NOTE, variables: { id, input: { content: 'lost' }, expectedVersion: 1 } };
        },
        'CONFLICT',
      ],
      [
        "updateNote on another user's note",
        async () => ({ query: UPDATE_NOTE, variables: { id: await insertNote(notes.db), input: { title: 'x' }, expectedVersion: 1 }, token: bobToken }),
        'FORBIDDEN',
      ],
      ["deleteNote on another user's note", async () => ({ query: DELETE_NOTE, variables: { id: await insertNote(notes.db, { authorId: bob.id }) } }), 'FORBIDDEN'],
      [
        'addTagToNote past 20 tags',
        async () => {
          const tagIds = await insertTags(notes.db, 21);
          const noteId = await insertNote(notes.db, { tagIds: tagIds.slice(0, 20) });
          return { query: ADD_TAG, variables: { noteId, tagId: tagIds[20] } };
        },
        'BAD_USER_INPUT',
      ],
      ['createNote without a token', async () => ({ query: CREATE_NOTE, variables: { input: { title: 't', content: 'c' } }, token: '' }), 'UNAUTHENTICATED'],
    ];

    it.each(cases)('%s', async (_case, prepare, code) => {
      const { query, variables, token = aliceToken } = await prepare();
      const outbox = await watch();
      const response = await graphql(notes.url, query, variables, { token: token || undefined });
      expect(errorCode(response)).toBe(code);
      expect(await outbox.events()).toEqual([]);
    });
  });
});
