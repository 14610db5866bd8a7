import { randomUUID } from 'node:crypto';
import { demoUsers } from '@supergraph/demo';
import type { GraphQLResponse } from '../../../test/kit/graphql.ts';
import type { StartedSubgraph } from '../../../test/kit/subgraphs.ts';

/** Shared by the notes test files: who writes, and quick ways to set up rows without going through GraphQL. */
export const [alice, bob] = demoUsers;

type NotesDb = StartedSubgraph<'notes'>['db'];

export interface NoteSeed {
  authorId?: string;
  title?: string;
  content?: string;
  createdAt?: Date;
  tagIds?: string[];
}

/** Inserts one note straight into the database and returns its id. */
export async function insertNote(db: NotesDb, seed: NoteSeed = {}): Promise<string> {
  const note = await db.note.create({
    data: {
      authorId: seed.authorId ?? alice.id,
      title: seed.title ?? 'A note',
      content: seed.content ?? 'Some content.',
      createdAt: seed.createdAt ?? new Date(),
      tags: { create: (seed.tagIds ?? []).map((tagId) => ({ tagId })) },
    },
  });
  return note.id;
}

/** Inserts tags with unique names and returns their ids. */
export async function insertTags(db: NotesDb, count: number, prefix = 'tag'): Promise<string[]> {
  const tags = Array.from({ length: count }, () => {
    const name = `${prefix}-${randomUUID().slice(0, 8)}`;
    return { id: randomUUID(), name, nameKey: name };
  });
  await db.tag.createMany({ data: tags });
  return tags.map(({ id }) => id);
}

/** What a rejected mutation must leave behind: the same rows as before. */
export async function snapshot(db: NotesDb) {
  const [notes, tags, links] = await Promise.all([
    db.note.findMany({ orderBy: { id: 'asc' } }),
    db.tag.count(),
    db.noteTag.count(),
  ]);
  return { notes, tags, links };
}

/** The first error's code and field, to assert both at once. */
export const errorOf = (response: GraphQLResponse) => {
  const extensions = response.errors?.[0]?.extensions;
  return { code: extensions?.code, field: extensions?.field };
};
