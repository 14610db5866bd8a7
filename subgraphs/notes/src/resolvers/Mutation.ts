import { appError, badInput, parseId, requireViewer } from '@supergraph/common';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { NotesTx } from '../db.ts';
import { LIMITS } from '../limits.ts';
import { parseCreateNote, parseUpdateNote } from '../noteInput.ts';
import { findOwnNote } from '../ownNote.ts';
import { parseTagName } from '../tagName.ts';

// Every mutation writes inside one interactive transaction, so a rejected
// mutation writes nothing and the outbox row of a later issue can join it.
export const Mutation: MutationResolvers = {
  createNote: async (_parent, { input }, { db, viewer }) => {
    const authorId = requireViewer(viewer);
    const { title, content, tagIds } = parseCreateNote(input);
    return db.$transaction(async (tx) => {
      await requireTags(tx, tagIds);
      return tx.note.create({
        data: { title, content, authorId, tags: { create: tagIds.map((tagId) => ({ tagId })) } },
      });
    });
  },

  updateNote: async (_parent, { id, input, expectedVersion }, { db, viewer }) => {
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
      if (note) return note;
      // Nothing matched: explain why, most fundamental reason first.
      const current = await findOwnNote(tx, noteId, viewerId, 'id');
      throw appError(
        'CONFLICT',
        `The note is at version ${current.version}, not ${expectedVersion}; read it again and reapply the change.`,
        { field: 'expectedVersion', details: { currentVersion: current.version } },
      );
    });
  },

  deleteNote: async (_parent, { id }, { db, viewer }) => {
    const viewerId = requireViewer(viewer);
    const noteId = parseId(id, 'id');
    return db.$transaction(async (tx) => {
      await findOwnNote(tx, noteId, viewerId, 'id');
      // Its tag links go with it (ON DELETE CASCADE).
      await tx.note.delete({ where: { id: noteId } });
      return { id: noteId };
    });
  },

  addTagToNote: async (_parent, args, { db, viewer }) => {
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

/** Tags must exist before a note can carry them; the first unknown id is named. */
async function requireTags(tx: NotesTx, tagIds: string[]): Promise<void> {
  if (tagIds.length === 0) return;
  const found = new Set((await tx.tag.findMany({ where: { id: { in: tagIds } }, select: { id: true } })).map(({ id }) => id));
  const unknown = tagIds.find((id) => !found.has(id));
  if (unknown) throw badInput('input.tagIds', `input.tagIds contains "${unknown}", which is not a tag.`);
}
