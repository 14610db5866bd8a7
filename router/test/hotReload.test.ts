import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PubSub } from 'graphql-subscriptions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, createLogger } from '@supergraph/common';
import { demoUsers } from '@supergraph/demo';
import { composeSupergraph, loadRouterConfig, loadSupergraphConfig, pubSubEventSource, startRouter, type Router } from '@supergraph/router';
import { publishSupergraph } from '../src/schemaWorkflow/publishSupergraph.ts';
import { writeFileAtomically } from '../src/schemaWorkflow/writeFileAtomically.ts';
import { graphql } from '../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../test/kit/subgraphs.ts';
import { tokenFor } from '../../test/kit/tokens.ts';
import { waitFor } from '../../test/kit/waitFor.ts';
import { protocolSocket, subscribe, wsClient } from '../../test/kit/wsClient.ts';

const repoConfig = path.resolve(import.meta.dirname, '../../supergraph.yaml');
const bus = new PubSub();
let users: StartedSubgraph<'users'>;
let notes: StartedSubgraph<'notes'>;
let orders: StartedSubgraph<'orders'>;
let router: Router;
let dir: string;
let published: string;
const [alice] = demoUsers;

/** The repo's supergraph with the notes SDL edited, as `publish` would write it. */
async function supergraphWithNotes(edit: (sdl: string) => string): Promise<string> {
  const entries = await loadSupergraphConfig(repoConfig);
  const notes = entries.find((entry) => entry.name === 'notes')!;
  const edited = path.join(dir, `notes-${Math.random().toString(36).slice(2)}.graphql`);
  await writeFile(edited, edit(await readFile(notes.schemaFile, 'utf8')));
  notes.schemaFile = edited;
  return (await composeSupergraph(entries)).supergraphSdl;
}

const withoutField = (field: string) => (sdl: string) => sdl.replace(new RegExp(`\\n\\s*"[^"]*"\\n\\s*${field}: [^\\n]+|\\n\\s*${field}: [^\\n]+`), '');
/** Adds a federation directive to the notes SDL's `@link(... import: [...])`. */
const withImport = (directive: string) => (sdl: string) => sdl.replace(/(federation\/v2\.\d+", import: \[)/, `$1"${directive}", `);
const noteVersion = () => graphql(router.url, '{ notes(first: 1) { edges { node { version } } } }');

async function publishNote(authorId: string) {
  const note = await notes.db.note.create({ data: { authorId, title: 'after reload', content: '.' } });
  await bus.publish('note.created', createEvent({ type: 'note.created', aggregateType: 'Note', aggregateId: note.id, aggregateVersion: 1, data: { noteId: note.id, authorId } }, { actorId: authorId, correlationId: null }));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'published-'));
  published = path.join(dir, 'supergraph.graphql');
  [users, notes, orders] = await Promise.all([startSubgraphForTest('users'), startSubgraphForTest('notes'), startSubgraphForTest('orders')]);
  await writeFileAtomically(published, await supergraphWithNotes(withoutField('version')));
  router = await startRouter(
    loadRouterConfig({
      ...process.env,
      ROUTER_PORT: '0',
      SUPERGRAPH_FILE: published,
      USERS_ROUTING_URL: users.url,
      NOTES_ROUTING_URL: notes.url,
      ORDERS_ROUTING_URL: orders.url,
      // Small enough to reach: a subscription the reload ends must give its slot back.
      WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
    }),
    { eventSource: pubSubEventSource(bus, createLogger('test', 'silent')) },
  );
  await users.db.user.create({ data: { id: alice.id, email: alice.email, name: alice.name, passwordHash: 'x' } });
});
afterAll(async () => {
  await router?.stop();
  await Promise.all([users?.stop(), notes?.stop(), orders?.stop()]);
});
// Each test counts its own subscribers on the shared router: a test's leftovers, still
// being released, would satisfy the next one's wait for its own and let it publish too soon.
afterEach(() => waitFor('the subscriptions to end', () => router.subscriptions!.subscriberCount === 0, { timeoutMs: 10_000 }));

describe('hot reload of a published supergraph', () => {
  it('serves a newly published field within 5 s, without failing concurrent queries, and keeps live subscriptions', async () => {
    expect((await noteVersion()).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const client = wsClient(router.url, await tokenFor(alice.id));
    const live = subscribe(client, 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);

    let stop = false;
    const failures: unknown[] = [];
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) {
          const response = await graphql(router.url, '{ notes(first: 2) { edges { node { title author { id } } } } }');
          if (response.errors || response.status !== 200) failures.push(response);
        }
      }),
    );
    const publishedAt = Date.now();
    // As `npm run supergraph -- publish` does it.
    await publishSupergraph({ out: published, supergraphSdl: await supergraphWithNotes((sdl) => sdl), subgraphSdls: {} });
    await waitFor('the new field', async () => !(await noteVersion()).errors, { timeoutMs: 5_000 });
    const switchedAfter = Date.now() - publishedAt;
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(switchedAfter).toBeLessThan(5_000);

    await publishNote(alice.id);
    expect((await live.nth(1)).data.noteCreated.id).toEqual(expect.any(String));
    await client.dispose();
  });

  it('enforces a newly published @authenticated from the next request on, with no table of fields in the router', async () => {
    const query = '{ notes(first: 1) { edges { node { content } } } }';
    expect((await graphql(router.url, query)).errors).toBeUndefined();
    await publishSupergraph({
      out: published,
      supergraphSdl: await supergraphWithNotes((sdl) =>
        withImport('@authenticated')(sdl).replace(/\n(\s*)content: String!/, '\n$1content: String @authenticated'),
      ),
      subgraphSdls: {},
    });
    await waitFor('the rule', async () => (await graphql(router.url, query)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED', { timeoutMs: 5_000 });
    const signedIn = await graphql(router.url, query, {}, { token: await tokenFor(alice.id) });
    expect(signedIn.errors).toBeUndefined();
    await publishSupergraph({ out: published, supergraphSdl: await supergraphWithNotes((sdl) => sdl), subgraphSdls: {} });
    await waitFor('the rule to go', async () => !(await graphql(router.url, query)).errors, { timeoutMs: 5_000 });
  });

  it('ends a live subscription a newly published rule no longer admits, with that rule\'s code', async () => {
    const client = wsClient(router.url);
    const open = subscribe(client, 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);
    await publishSupergraph({
      out: published,
      supergraphSdl: await supergraphWithNotes((sdl) =>
        withImport('@authenticated')(sdl).replace(/\n(\s*)noteCreated(\([^)]*\))?: Note!/, '\n$1noteCreated$2: Note! @authenticated'),
      ),
      subgraphSdls: {},
    });
    const ended = await open.nth(1, 5_000);
    expect(ended.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(ended.errors[0].message).toMatch(/no longer allowed/);
    await waitFor('the subscription to end', () => router.subscriptions!.subscriberCount === 0);
    await client.dispose();
    await publishSupergraph({ out: published, supergraphSdl: await supergraphWithNotes((sdl) => sdl), subgraphSdls: {} });
  });

  it('ends a live subscription whose @fromEvents a newly published supergraph changes, telling it to subscribe again', async () => {
    // Signed in: the previous test's supergraph, which asks for it, may still be loading.
    const client = wsClient(router.url, await tokenFor(alice.id));
    const open = subscribe(client, 'subscription { noteCreated { id } }');
    await waitFor('the subscription', () => router.subscriptions!.subscriberCount === 1);
    await publishSupergraph({
      out: published,
      supergraphSdl: await supergraphWithNotes((sdl) => sdl.replace('@fromEvents(types: ["note.created"]', '@fromEvents(types: ["note.created", "note.tagged"]')),
      subgraphSdls: {},
    });
    const ended = await open.nth(1, 5_000);
    expect(ended.errors[0].message).toMatch(/fed by other events.*subscribe again/);
    await waitFor('the subscription to end', () => router.subscriptions!.subscriberCount === 0);
    await client.dispose();
    // Back as it was before the next test subscribes, or that reload would end its subscriptions too.
    const reloads = router.reloads.applied;
    await publishSupergraph({ out: published, supergraphSdl: await supergraphWithNotes((sdl) => sdl), subgraphSdls: {} });
    await waitFor('the restored supergraph', () => router.reloads.applied > reloads);
  });

  it('keeps serving the old supergraph when the published one fails to load', async () => {
    const rejected = router.reloads.rejected;
    await writeFileAtomically(published, 'this is not a supergraph');
    await waitFor('the router to reject it', () => router.reloads.rejected === rejected + 1);
    expect((await noteVersion()).errors).toBeUndefined();
    expect((await fetch(router.url.replace('/graphql', '/health/live'))).status).toBe(200);
  });

  it('ends a subscription the new supergraph no longer validates, with a clear error, and gives its slot back', async () => {
    const socket = await protocolSocket(router.url, { token: await tokenFor(alice.id) });
    socket.subscribe('kept', 'subscription { noteCreated { id } }');
    socket.subscribe('doomed', 'subscription { noteCreated { title } }');
    await waitFor('the subscriptions', () => router.subscriptions!.subscriberCount === 2);
    socket.subscribe('refused', 'subscription { noteCreated { id } }');
    expect((await waitFor('the refusal', () => socket.errors('refused')))[0].extensions.code).toBe('SUBSCRIPTION_LIMIT_EXCEEDED');

    await writeFileAtomically(published, await supergraphWithNotes(withoutField('title')));
    await waitFor('the end of the doomed one', () => socket.messages.some((message) => message.id === 'doomed' && message.type === 'complete'));
    expect(socket.results('doomed')[0].errors[0].message).toMatch(/no longer validates.*title/);
    await waitFor('the doomed one to leave', () => router.subscriptions!.subscriberCount === 1);
    socket.subscribe('successor', 'subscription { noteCreated { id } }');
    await waitFor('its successor', () => router.subscriptions!.subscriberCount === 2);
    expect(socket.errors('successor')).toBeUndefined();
    await socket.close();
  });
});
