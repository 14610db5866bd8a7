import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { NoteModel } from './__generated__/prisma/models.ts';

// The events the notes subgraph writes to its outbox: each contract, then
// the builder the mutations call. The aggregate version is the note's
// version after the change, so consumers can order and skip stale events
// per note. Subscriptions read these payloads by path (see docs/events.md):
// removing or renaming a field can break one, and `supergraph check` says so.

const noteId = z.guid().describe('the note');
const authorId = z.guid().describe('its author, the user who owns it');

export const noteCreatedEvent = defineEvent({
  type: 'note.created',
  aggregateType: 'Note',
  owner: 'authorId',
  description: 'A user created a note.',
  data: z.object({
    noteId,
    authorId,
    title: z.string().describe('the title as stored (trimmed)'),
    tagIds: z.array(z.guid()).describe('the tags it was created with'),
  }),
});

export const noteUpdatedEvent = defineEvent({
  type: 'note.updated',
  aggregateType: 'Note',
  owner: 'authorId',
  description: "The author changed a note's title or content.",
  data: z.object({
    noteId,
    authorId,
    changed: z.array(z.enum(['title', 'content'])).describe('the fields the update set'),
  }),
});

export const noteDeletedEvent = defineEvent({
  type: 'note.deleted',
  aggregateType: 'Note',
  owner: 'authorId',
  description: 'The author deleted a note; it can no longer be looked up.',
  data: z.object({ noteId, authorId }),
});

export const noteTaggedEvent = defineEvent({
  type: 'note.tagged',
  aggregateType: 'Note',
  owner: 'authorId',
  description: 'A tag was added to a note.',
  data: z.object({ noteId, authorId, tagId: z.guid().describe('the tag added') }),
});

export const noteCreated = (note: Pick<NoteModel, 'id' | 'authorId' | 'title' | 'version'>, tagIds: string[]) =>
  noteCreatedEvent.build({
    aggregateId: note.id,
    aggregateVersion: note.version,
    data: { noteId: note.id, authorId: note.authorId, title: note.title, tagIds },
  });

export const noteUpdated = (note: NoteModel, changed: ('title' | 'content')[]) =>
  noteUpdatedEvent.build({ aggregateId: note.id, aggregateVersion: note.version, data: { noteId: note.id, authorId: note.authorId, changed } });

/** A deleted note has no row to bump, so its last event counts one past the version it was deleted at. */
export const noteDeleted = (note: NoteModel) =>
  noteDeletedEvent.build({ aggregateId: note.id, aggregateVersion: note.version + 1, data: { noteId: note.id, authorId: note.authorId } });

export const noteTagged = (note: NoteModel, tagId: string) =>
  noteTaggedEvent.build({ aggregateId: note.id, aggregateVersion: note.version, data: { noteId: note.id, authorId: note.authorId, tagId } });
