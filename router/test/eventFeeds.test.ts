import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvent } from '@supergraph/common';
import { CompositionError, composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import { EVENTS_SPEC, EventFeeds, feedMatches, feedPayload, FROM_EVENTS_DIRECTIVE } from '../src/subscriptions/eventFeeds.ts';
import { LinkedDirectives } from '../src/supergraph/linkedDirectives.ts';

const repoConfig = path.resolve(import.meta.dirname, '../../supergraph.yaml');

/** A subgraph importing the directive as `@feed`, with `subscription` as its Subscription fields. */
const subgraph = (subscription: string) => `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective"])
  @link(url: "${EVENTS_SPEC}/v0.1", import: [{ name: "@fromEvents", as: "@feed" }])
  @composeDirective(name: "@feed")

${FROM_EVENTS_DIRECTIVE.replace('@fromEvents', '@feed')}

type Item @key(fields: "id") { id: ID! name: String! }
type Gone { id: ID! }
type Query { item(id: ID!): Item items: [Item!]! itemByNumber(id: Int!): Item itemsById(id: ID!): [Item!] }
type Subscription { ${subscription} }
`;

async function compose(sdl: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-events-'));
  await writeFile(path.join(dir, 'items.graphql'), sdl);
  return composeSupergraph([{ name: 'items', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(dir, 'items.graphql') }]);
}

const problemsOf = (subscription: string) =>
  compose(subgraph(subscription)).then(
    () => [],
    (error: CompositionError) => error.problems,
  );

describe('@fromEvents in the supergraph', () => {
  it("composes every subgraph's Subscription fields with their feeds, found by spec identity", async () => {
    const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(repoConfig));
    const feeds = new EventFeeds(new LinkedDirectives(supergraphSdl));
    expect(feeds.problems).toEqual([]);
    expect(feeds.of('noteUpdated')).toEqual({ field: 'noteUpdated', types: ['note.updated', 'note.tagged'], match: [{ argument: 'id', path: ['aggregateId'] }], lookup: 'note' });
  });

  it('reads a feed under the name the subgraph imported it as, and matches and builds payloads from envelope paths', async () => {
    const { supergraphSdl } = await compose(
      subgraph(`
        itemAdded(ownerId: ID): Item! @feed(types: ["item.added"], match: ["ownerId=data.ownerId"], lookup: "item")
        itemRemoved(id: ID!): Gone! @feed(types: ["item.removed"], match: ["id=aggregateId"], payload: ["id=aggregateId"])`),
    );
    const feeds = new EventFeeds(new LinkedDirectives(supergraphSdl));
    const added = feeds.of('itemAdded')!;
    const event = createEvent({ type: 'item.added', aggregateType: 'Item', aggregateId: 'i1', aggregateVersion: 1, data: { ownerId: 'u1' } }, { actorId: null, correlationId: null });
    expect([feedMatches(added, event, { ownerId: 'u1' }), feedMatches(added, event, { ownerId: 'u2' }), feedMatches(added, event, { ownerId: null })]).toEqual([true, false, true]);
    expect(feedPayload(feeds.of('itemRemoved')!, event)).toEqual({ id: 'i1' });
  });

  it('refuses to compose a Subscription field the router could not serve, saying why', async () => {
    const problems = await problemsOf(`
      unfed: Item!
      noTypes: Item! @feed(types: [], lookup: "item")
      unmatched(ownerId: ID): Item! @feed(types: ["item.added"], lookup: "item")
      badPath(ownerId: ID): Item! @feed(types: ["item.added"], match: ["ownerId=owner"], lookup: "item")
      badLookup: Item! @feed(types: ["item.added"], lookup: "items")
      both: Gone! @feed(types: ["item.removed"], lookup: "item", payload: ["id=aggregateId"])
      badPayload: Gone! @feed(types: ["item.removed"], payload: ["name=aggregateId"])
      listed: [Item!]! @feed(types: ["item.added"], lookup: "item")
      numbered: Item! @feed(types: ["Item Added"], lookup: "itemByNumber")
      listLookup: Item! @feed(types: ["item.added"], lookup: "itemsById")
      wholeData(data: ID): Item! @feed(types: ["item.added"], match: ["data=data"], lookup: "item")`);
    expect(problems).toEqual([
      expect.stringMatching(/^Subscription\.unfed has no @fromEvents/),
      expect.stringMatching(/^Subscription\.noTypes @fromEvents: `types` names no event type/),
      expect.stringMatching(/^Subscription\.unmatched @fromEvents: argument `ownerId` has no `match` entry/),
      expect.stringMatching(/^Subscription\.badPath @fromEvents: "ownerId=owner" reads `owner`, which the envelope does not have/),
      expect.stringMatching(/^Subscription\.badLookup @fromEvents: lookup `Query.items` takes no `id: ID` argument/),
      expect.stringMatching(/^Subscription\.both @fromEvents: declare either `lookup`/),
      expect.stringMatching(/^Subscription\.both @fromEvents: lookup `Query.item` returns Item, not Gone/),
      expect.stringMatching(/^Subscription\.badPayload @fromEvents: payload gives no value for the non-null field `id`/),
      expect.stringMatching(/^Subscription\.badPayload @fromEvents: payload "name=aggregateId" names no field of Gone/),
      expect.stringMatching(/^Subscription\.listed @fromEvents: the field returns a list/),
      expect.stringMatching(/^Subscription\.numbered @fromEvents: `types` entry "Item Added" is not an event type/),
      expect.stringMatching(/^Subscription\.numbered @fromEvents: lookup `Query.itemByNumber` takes no `id: ID` argument/),
      expect.stringMatching(/^Subscription\.listLookup @fromEvents: lookup `Query.itemsById` returns a list/),
      expect.stringMatching(/^Subscription\.wholeData @fromEvents: "data=data" reads `data` itself/),
    ]);
  });

  // Found by hostile testing: @apollo/composition threw an assertion ("Should not have been called for undefined") that named nothing.
  it('answers a directive imported under different names by different subgraphs with a composition error that says what to check', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'supergraph-events-'));
    const renamed = subgraph('itemAdded: Item! @feed(types: ["item.added"], lookup: "item")');
    const plain = renamed.replaceAll('{ name: "@fromEvents", as: "@feed" }', '"@fromEvents"').replaceAll('@feed', '@fromEvents').replace(/type Item @key[^\n]*\n/, 'type Item @key(fields: "id", resolvable: false) { id: ID! }\n').replace(/type Gone[^\n]*\n/, '').replace(/type Query[^\n]*\n/, 'type Query { other: Int }\n').replace('itemAdded: Item!', 'itemRemoved: Item!');
    await writeFile(path.join(dir, 'a.graphql'), renamed);
    await writeFile(path.join(dir, 'b.graphql'), plain);
    const composing = composeSupergraph([
      { name: 'a', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(dir, 'a.graphql') },
      { name: 'b', url: 'http://127.0.0.1:2/graphql', schemaFile: path.join(dir, 'b.graphql') },
    ]);
    await expect(composing).rejects.toBeInstanceOf(CompositionError);
    await expect(composing).rejects.toThrow(/same name|@fromEvents|@feed/);
  });
});
