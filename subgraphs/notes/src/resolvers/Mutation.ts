import { randomUUID } from 'node:crypto';
import { appendToOutbox, appError, badInput, outboxInsert, outboxNotify, parseId, requireViewer, type EventCause } from '@supergraph/common';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { NoteModel } from '../__generated__/prisma/models.ts';
import type { NotesTx } from '../db.ts';
import { LIMITS } from '../limits.ts';
import { noteCreated, noteDeleted, noteTagged, noteUpdated } from '../noteEvents.ts';
import { noteColumns } from '../noteSql.ts';
import { parseCreateNote, parseUpdateNote } from '../noteInput.ts';
import { findOwnNote } from '../ownNote.ts';
import { parseTagName } from '../tagName.ts';

// Every mutation writes in one transaction, so a rejected mutation writes
// nothing, and its events go to the outbox in the same transaction: they
// commit with the change or not at all. Each event is appended after the
// statement that writes (and so locks) the note, so of two transactions
// changing one note the later one's event gets the later outbox sequence.
// createNote needs no such order: no one else sees its note before it
// commits, and the tags it reads never change, so it is one statement.
export const Mutation: MutationResolvers = {
  createNote: async (_parent, { input }, { db, viewer, requestId }) => {
    const authorId = requireViewer(viewer);
    const { title, content, tagIds } = parseCreateNote(input);
    // Tags are never deleted, so the ones found here are still there when the
    // note links them (and if one were not, the link's foreign key would fail
    // the whole statement).
    await requireTags(db, tagIds);
    // The event is built, and checked against its contract, before the
    // statement is sent: the note's id and version are chosen here.
    const draft = { id: randomUUID(), title, authorId, version: 1 };
    // One round trip for the note, its tag links, its event and the relays'
    // wake-up. createNote is behind every note.created, the hot end of the
    // subscription pipeline: an interactive transaction cost it four round
    // trips or more, and Prisma's create a query plan compiled per call
    // (measured in issue #10). "updatedAt" is Prisma's @updatedAt, set by
    // the client, not the database: a raw INSERT sets it.
    const [note] = await db.$queryRaw<NoteModel[]>`
      WITH note AS (
        INSERT INTO "Note" ("id", "title", "content", "authorId", "version", "updatedAt")
        VALUES (${draft.id}::uuid, ${title}, ${content}, ${authorId}::uuid, ${draft.version}, now())
        RETURNING ${noteColumns}
      ),
      linked AS (INSERT INTO "NoteTag" ("noteId", "tagId") SELECT note."id", tag FROM note, unnest(${tagIds}::uuid[]) AS tag),
      appended AS (${outboxInsert(causedBy(authorId, requestId), noteCreated(draft, tagIds))})
      SELECT note.* FROM note, (SELECT ${outboxNotify}) AS woken`;
    return note!;
  },

  updateNote: async (_parent, { id, input, expectedVersion }, { db, viewer, requestId }) => {
    const viewerId = requireViewer(viewer);
    const noteId = parseId(id, 'id');
    const changes = parseUpdateNote(input);
    return db.$transaction(async (tx) => {
      // The version check and the write are one statement: of two concurrent
      // updates from the same version, PostgreSQL lets exactly one match.
      const [note] = await tx.note.updateManyAndReturn({
        where: { id: noteId, authorId: viewerId, version: expectedVersion },
        data: { ...changes, version: { increment: 1 } },
      });
      if (note) {
        const changed = (['title', 'content'] as const).filter((field) => changes[field] !== undefined);
        await appendToOutbox(tx, causedBy(viewerId, requestId), noteUpdated(note, changed));
        return note;
      }
      // Nothing matched: explain why, most fundamental reason first.
      const current = await findOwnNote(tx, noteId, viewerId, 'id');
      throw appError(
        'CONFLICT',
        `The note is at version ${current.version}, not ${expectedVersion}; read it again and reapply the change.`,
        { field: 'expectedVersion', details: { currentVersion: current.version } },
      );
    });
  },

  deleteNote: async (_parent, { id }, { db, viewer, requestId }) => {
    const viewerId = requireViewer(viewer);
    const noteId = parseId(id, 'id');
    return db.$transaction(async (tx) => {
      await findOwnNote(tx, noteId, viewerId, 'id');
      // Its tag links go with it (ON DELETE CASCADE). The row returned is the
      // one deleted, after any concurrent update committed: its version is current.
      const deleted = await tx.note.delete({ where: { id: noteId } });
      await appendToOutbox(tx, causedBy(viewerId, requestId), noteDeleted(deleted));
      return { id: noteId };
    });
  },

  addTagToNote: async (_parent, args, { db, viewer, requestId }) => {
    const viewerId = requireViewer(viewer);
    const noteId = parseId(args.noteId, 'noteId');
    const tagId = parseId(args.tagId, 'tagId');
    return db.$transaction(async (tx) => {
      const note = await findOwnNote(tx, noteId, viewerId, 'noteId');
      if (!(await tx.tag.findUnique({ where: { id: tagId }, select: { id: true } }))) {
        throw badInput('tagId', `Tag "${tagId}" does not exist.`);
      }
      // ON CONFLICT DO NOTHING makes tagging twice (even concurrently) a no-op rather than an error.
      const { count } = await tx.noteTag.createMany({ data: [{ noteId, tagId }], skipDuplicates: true });
      if (count === 0) return note;
      // Bumping the version locks the note's row, so concurrent taggings are
      // counted one after another and cannot both slip under the limit.
      const tagged = await tx.note.update({ where: { id: noteId }, data: { version: { increment: 1 } } });
      if ((await tx.noteTag.count({ where: { noteId } })) > LIMITS.tagsPerNote) {
        throw badInput('tagId', `A note carries at most ${LIMITS.tagsPerNote} tags.`, { max: LIMITS.tagsPerNote });
      }
      await appendToOutbox(tx, causedBy(viewerId, requestId), noteTagged(tagged, tagId));
      return tagged;
    });
  },

  createTag: async (_parent, { name }, { db, viewer }) => {
    requireViewer(viewer);
    const tag = parseTagName(name);
    return db.$transaction(async (tx) => {
      // ON CONFLICT DO NOTHING: a concurrent create of the same name waits for
      // the other transaction, then both read the one row that exists.
      await tx.tag.createMany({ data: [tag], skipDuplicates: true });
      return tx.tag.findUniqueOrThrow({ where: { nameKey: tag.nameKey } });
    });
  },
};

/** Who caused a mutation's events: the signed-in author, within the request the router traced. */
const causedBy = (actorId: string, requestId: string): EventCause => ({ actorId, correlationId: requestId });

/** Tags must exist before a note can carry them; the first unknown id is named. */
async function requireTags(tx: NotesTx, tagIds: string[]): Promise<void> {
  if (tagIds.length === 0) return;
  const found = new Set((await tx.tag.findMany({ where: { id: { in: tagIds } }, select: { id: true } })).map(({ id }) => id));
  const unknown = tagIds.find((id) => !found.has(id));
  if (unknown) throw badInput('input.tagIds', `input.tagIds contains "${unknown}", which is not a tag.`);
}
