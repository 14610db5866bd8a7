import type { NotesDb } from '../db.ts';
import { demoNotes, demoTags } from './demoNotes.ts';

/** Inserts the demo tags and notes once; running it again changes nothing. */
export async function seedNotes(db: NotesDb): Promise<{ tags: number; notes: number }> {
  return db.$transaction(async (tx) => {
    const tags = await tx.tag.createMany({ data: demoTags, skipDuplicates: true });
    const notes = await tx.note.createMany({
      data: demoNotes.map(({ tagIds: _tagIds, ...note }) => ({ ...note, updatedAt: note.createdAt })),
      skipDuplicates: true,
    });
    await tx.noteTag.createMany({
      data: demoNotes.flatMap((note) => note.tagIds.map((tagId) => ({ noteId: note.id, tagId }))),
      skipDuplicates: true,
    });
    return { tags: tags.count, notes: notes.count };
  });
}
