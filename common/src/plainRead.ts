/**
 * Whether a statement only reads, so running it again after its connection
 * was lost mid-read changes nothing: a SELECT, or a WITH whose parts are
 * no INSERT, UPDATE, DELETE or MERGE (a data-modifying WITH writes, as
 * appendToOutbox's does). Conservative: such a word anywhere in a WITH, even
 * in a string, makes it a write.
 */
export function isPlainRead(text: string): boolean {
  if (/^\s*SELECT\b/i.test(text)) return true;
  return /^\s*WITH\b/i.test(text) && !/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(text);
}
