import type { z } from 'zod';
import { badInput } from './appError.ts';

/**
 * Validates an argument against a zod schema. The first problem becomes a
 * BAD_USER_INPUT error naming its field, e.g. `input.title`, so a client can
 * point at the offending form control.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, fieldPrefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // Only the argument's own key: `input.tagIds`, not `input.tagIds.3`.
  const field = [fieldPrefix, issue.path[0]].filter((part) => part !== undefined && part !== '').join('.');
  throw badInput(field, `${field} ${issue.message}.`);
}
