import { z } from 'zod';
import { isId, parseInput } from '@supergraph/common';
import { LIMITS } from './limits.ts';

const title = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.titleLength, `must be at most ${LIMITS.titleLength} characters`);

const content = z.string().max(LIMITS.contentLength, `must be at most ${LIMITS.contentLength} characters`);

const tagIds = z
  .array(z.string().refine(isId, { error: (issue) => `contains "${String(issue.input)}", which is not a valid id` }))
  .max(LIMITS.tagsPerNote, `must hold at most ${LIMITS.tagsPerNote} tags`)
  // Naming a tag twice tags the note once.
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

const createNoteSchema = z.object({
  title,
  content,
  tagIds: tagIds.nullish().transform((ids) => ids ?? []),
});

// GraphQL lets a client send `null` for an optional field; both mean "unchanged".
const updateNoteSchema = z
  .object({ title: title.nullish(), content: content.nullish() })
  .transform(({ title, content }) => ({ title: title ?? undefined, content: content ?? undefined }))
  .refine((changes) => changes.title !== undefined || changes.content !== undefined, {
    message: 'must change the title or the content',
  });

export type CreateNote = z.infer<typeof createNoteSchema>;
export type UpdateNote = z.infer<typeof updateNoteSchema>;

export const parseCreateNote = (input: unknown): CreateNote => parseInput(createNoteSchema, input, 'input');
export const parseUpdateNote = (input: unknown): UpdateNote => parseInput(updateNoteSchema, input, 'input');
