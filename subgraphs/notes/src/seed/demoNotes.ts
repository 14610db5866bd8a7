import { demoUsers } from '@supergraph/demo';
import { tagNameKey } from '../tagName.ts';

// Fixed ids and timestamps make the seed idempotent and the demo stable:
// the same notes, in the same order, on every machine.
const [alice, bob, carol] = demoUsers;

const tagId = (n: number) => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;
const noteId = (n: number) => `00000000-0000-4000-b000-${String(n).padStart(12, '0')}`;

const tag = (n: number, name: string) => ({
  id: tagId(n),
  name,
  nameKey: tagNameKey(name),
  createdAt: new Date(Date.UTC(2026, 9, 1, 9, n)),
});

const tags = {
  graphql: tag(1, 'GraphQL'),
  federation: tag(2, 'federation'),
  postgres: tag(3, 'Postgres'),
  ideas: tag(4, 'ideas'),
  typescript: tag(5, 'TypeScript'),
  performance: tag(6, 'performance'),
  reading: tag(7, 'reading'),
};

export const demoTags = Object.values(tags);

const day = (date: number) => new Date(Date.UTC(2026, 10, date, 10));

export const demoNotes = [
  {
    id: noteId(1),
    authorId: alice.id,
    title: 'Why we moved to GraphQL federation',
    content:
      'One schema owned by every team became a bottleneck. With federation each team owns a subgraph, ' +
      'and the router composes them into one graph for the clients.',
    tagIds: [tags.graphql.id, tags.federation.id],
    createdAt: day(2),
  },
  {
    id: noteId(2),
    authorId: alice.id,
    title: 'Keyset pagination instead of OFFSET',
    content:
      'Order by (createdAt, id) and hand out the last pair as an opaque cursor. The next page is ' +
      'a row comparison the composite index answers directly, however deep the client pages.',
    tagIds: [tags.postgres.id, tags.performance.id],
    createdAt: day(5),
  },
  {
    id: noteId(3),
    authorId: alice.id,
    title: 'Reading list for November',
    content: 'Designing Data-Intensive Applications, chapters 5 to 7. Then the PostgreSQL docs on MVCC and locking.',
    tagIds: [tags.reading.id, tags.postgres.id],
    createdAt: day(9),
  },
  {
    id: noteId(4),
    authorId: alice.id,
    title: 'DataLoader checklist',
    content:
      'Create loaders per request, batch by key, return results in key order, and never let a list ' +
      'field issue one query per item.',
    tagIds: [tags.graphql.id, tags.performance.id],
    createdAt: day(14),
  },
  {
    id: noteId(5),
    authorId: bob.id,
    title: 'Full-text search in PostgreSQL',
    content:
      'to_tsvector on title and content, a GIN expression index on exactly the same expression, and ' +
      'websearch_to_tsquery so users can type quotes and minus signs safely.',
    tagIds: [tags.postgres.id],
    createdAt: day(3),
  },
  {
    id: noteId(6),
    authorId: bob.id,
    title: 'Ideas for the team offsite',
    content: 'A morning of lightning talks, an afternoon hike, and a retro on how the last quarter went.',
    tagIds: [tags.ideas.id],
    createdAt: day(7),
  },
  {
    id: noteId(7),
    authorId: bob.id,
    title: 'Entity references across subgraphs',
    content:
      'A subgraph returns only the key of an entity it does not own; the router asks the owning ' +
      'subgraph for the rest. That is the heart of federation.',
    tagIds: [tags.federation.id, tags.graphql.id],
    createdAt: day(12),
  },
  {
    id: noteId(8),
    authorId: carol.id,
    title: 'Turning on strict mode',
    content: 'noUncheckedIndexedAccess found three real bugs on the first day. Worth the noise.',
    tagIds: [tags.typescript.id],
    createdAt: day(4),
  },
  {
    id: noteId(9),
    authorId: carol.id,
    title: 'Weekend project ideas',
    content: 'A recipe box with tags, a bird-song recogniser, and finally fixing the garden irrigation timer.',
    tagIds: [tags.ideas.id],
    createdAt: day(8),
  },
  {
    id: noteId(10),
    authorId: carol.id,
    title: 'Reading a query plan',
    content:
      'The gateway plans which subgraphs to call and in what order. With federation, a plan that ' +
      'fetches users once and notes once stays flat however many rows come back.',
    tagIds: [tags.federation.id, tags.performance.id],
    createdAt: day(15),
  },
];
