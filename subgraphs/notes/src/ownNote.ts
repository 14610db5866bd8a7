import { forbidden, notFound } from '@supergraph/common';
import type { NoteModel } from './__generated__/prisma/models.ts';
import type { NotesTx } from './db.ts';

/** The note a mutation is about to change: NOT_FOUND on `field` when missing, FORBIDDEN unless the viewer wrote it. */
export async function findOwnNote(tx: NotesTx, noteId: string, viewerId: string, field: string): Promise<NoteModel> {
  const note = await tx.note.findUnique({ where: { id: noteId } });
  if (!note) throw notFound(field, `Note "${noteId}" does not exist.`);
  if (note.authorId !== viewerId) throw forbidden('Only the author of a note may change it.', field);
  return note;
}
