/**
 * A model's columns for a hand-written SELECT, from the generated client's
 * `Prisma.<Model>ScalarFieldEnum`: a raw row then has the model's shape, and
 * a field added to the Prisma schema is selected without anyone having to
 * remember every statement that reads the table. Field names are the
 * column names (no `@map` in our schemas). `table` qualifies each column
 * (a join's alias). Pass it to `Prisma.raw`.
 */
export function modelColumns(scalarFields: Record<string, string>, table?: string): string {
  return Object.values(scalarFields)
    .map((field) => (table ? `${table}."${field}"` : `"${field}"`))
    .join(', ');
}
