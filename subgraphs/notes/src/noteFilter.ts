import { badInput, parseId } from '@supergraph/common';
import type { Prisma } from './__generated__/prisma/client.ts';
import type { NoteFilter } from './__generated__/resolvers.ts';
import { LIMITS } from './limits.ts';

/** Turns the `notes(filter:)` argument into a Prisma `where`; every condition must hold. */
export function noteFilterWhere(filter: NoteFilter | null | undefined): Prisma.NoteWhereInput {
  if (!filter) return {};
  const conditions: Prisma.NoteWhereInput[] = [];
  if (filter.authorId != null) conditions.push({ authorId: parseId(filter.authorId, 'filter.authorId') });
  if (filter.tagIds != null) {
    // A note carries at most this many tags, so a longer list can never match; refuse it rather than run it.
    if (filter.tagIds.length > LIMITS.tagsPerNote) {
      throw badInput('filter.tagIds', `filter.tagIds must hold at most ${LIMITS.tagsPerNote} tags.`, {
        max: LIMITS.tagsPerNote,
      });
    }
    for (const tagId of filter.tagIds) {
      conditions.push({ tags: { some: { tagId: parseId(tagId, 'filter.tagIds') } } });
    }
  }
  if (filter.createdAfter != null) conditions.push({ createdAt: { gt: filter.createdAfter } });
  if (filter.createdBefore != null) conditions.push({ createdAt: { lt: filter.createdBefore } });
  return { AND: conditions };
}
