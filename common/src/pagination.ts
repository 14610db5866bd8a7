import { badInput } from './appError.ts';
import { isId } from './ids.ts';

/** Page sizes for every connection in the graph. Documented in the README. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/** Keyset position: lists are ordered newest first by (createdAt, id). */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  /** Rows to return. */
  take: number;
  /** Rows strictly after this position, or from the start. */
  after: Cursor | null;
}

export function encodeCursor(row: Cursor): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(String(createdAt));
    // A forged id would otherwise reach PostgreSQL as an invalid uuid and fail as an internal error.
    if (typeof id !== 'string' || !isId(id) || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw badInput(field, `"${cursor}" is not a cursor returned by this connection.`);
  }
}

/** Validates `first`/`after` and applies the default page size. */
export function readPage(args: PageArgs, fieldPrefix = ''): Page {
  const first = args.first ?? PAGE_SIZE.default;
  if (!Number.isInteger(first) || first < 0 || first > PAGE_SIZE.max) {
    throw badInput(`${fieldPrefix}first`, `first must be between 0 and ${PAGE_SIZE.max}; got ${first}.`, {
      max: PAGE_SIZE.max,
    });
  }
  return { take: first, after: args.after ? decodeCursor(args.after, `${fieldPrefix}after`) : null };
}

/** A stable string for a page, so loaders can group identical pages into one query. */
export function pageKey(page: Page): string {
  return page.after ? `${page.take}:${page.after.createdAt.toISOString()}:${page.after.id}` : `${page.take}:`;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

/**
 * Builds a connection from rows fetched with `take + 1`: the extra row only
 * tells whether another page exists. `totalCount` stays a thunk so the count
 * query runs only when a client selects it.
 */
export function toConnection<T extends Cursor>(rows: T[], page: Page, totalCount: () => Promise<number>): Connection<T> {
  const nodes = rows.slice(0, page.take);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.take,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** Prisma `where` fragment for rows after a cursor in (createdAt desc, id desc) order. */
export function afterCursorWhere(after: Cursor | null) {
  if (!after) return {};
  return {
    OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
  };
}

export const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
