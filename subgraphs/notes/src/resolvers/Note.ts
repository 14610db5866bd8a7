import type { NoteResolvers } from '../__generated__/resolvers.ts';

export const Note: NoteResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.noteById.load(reference.id),
  tags: (note, _args, { loaders }) => loaders.tagsByNoteId.load(note.id),
  // The users subgraph owns users; the router fetches whatever else is selected from it.
  author: (note) => ({ id: note.authorId }),
};
