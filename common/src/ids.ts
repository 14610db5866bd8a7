import { badInput } from './appError.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isId = (value: string): boolean => uuid.test(value);

/** Ids are UUIDs; anything else is a client mistake, reported against its field. */
export function parseId(value: string, field: string): string {
  if (!isId(value)) throw badInput(field, `"${value}" is not a valid id.`);
  return value.toLowerCase();
}
