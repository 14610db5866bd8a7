import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { parseInput } from '@supergraph/common';

const tagNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.tagNameLength, `must be at most ${LIMITS.tagNameLength} characters`);

export interface TagName {
  /** As the client wrote it (trimmed), for display. */
  name: string;
  /** What uniqueness is decided on, so "GraphQL" and "graphql" are one tag. */
  nameKey: string;
}

export function parseTagName(value: string): TagName {
  const name = parseInput(tagNameSchema, value, 'name');
  return { name, nameKey: tagNameKey(name) };
}

export const tagNameKey = (name: string): string => name.toLowerCase();
