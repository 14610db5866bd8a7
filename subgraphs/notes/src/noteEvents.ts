import type { NewEvent } from '@supergraph/common';
import type { NoteModel } from './__generated__/prisma/models.ts';

// The events the notes subgraph writes to its outbox, one builder per type;
// `data` follows common/src/events/eventCatalogue.ts. The aggregate version
// is the note's version after the change, so consumers can order and skip
// stale events per note.

export const noteCreated = (note: NoteModel, tagIds: string[]): NewEvent => ({
  type: 'note.created',
  aggregateId: note.id,
  aggregateVersion: note.version,
  data: { noteId: note.id, authorId: note.authorId, title: note.title, tagIds },
});

export const noteUpdated = (note: NoteModel, changed: ('title' | 'content')[]): NewEvent => ({
  type: 'note.updated',
  aggregateId: note.id,
  aggregateVersion: note.version,
  data: { noteId: note.id, authorId: note.authorId, changed },
});

/** A deleted note has no row to bump, so its last event counts one past the version it was deleted at. */
export const noteDeleted = (note: NoteModel): NewEvent => ({
  type: 'note.deleted',
  aggregateId: note.id,
  aggregateVersion: note.version + 1,
  data: { noteId: note.id, authorId: note.authorId },
});

export const noteTagged = (note: NoteModel, tagId: string): NewEvent => ({
  type: 'note.tagged',
  aggregateId: note.id,
  aggregateVersion: note.version,
  data: { noteId: note.id, authorId: note.authorId, tagId },
});
