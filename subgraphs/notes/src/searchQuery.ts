import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { parseInput } from '@supergraph/common';

const searchQuerySchema = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(LIMITS.searchQueryLength, `must be at most ${LIMITS.searchQueryLength} characters`);

/** A `searchNotes` query: PostgreSQL websearch syntax, so any text is safe to pass on. */
export const parseSearchQuery = (value: string): string => parseInput(searchQuerySchema, value, 'query');
