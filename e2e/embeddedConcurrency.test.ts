import { rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import { startSupergraph, type Supergraph } from '../scripts/startSupergraph.ts';
import { graphql, type GraphQLResponse } from '../test/kit/graphql.ts';
import { embeddedEnv } from '../test/kit/embeddedEnv.ts';
import { embeddedDataDir } from '../test/kit/pglite.ts';
import { waitFor } from '../test/kit/waitFor.ts';
import { subscribe, wsClient } from '../test/kit/wsClient.ts';

/**
 * `npm start`'s supergraph (every subgraph on its own embedded PGlite) under
 * concurrent clients. PGlite is one Postgres session shared by every pooled
 * connection and the outbox relay, so these check that concurrent requests
 * never see each other's statements, results or transactions.
 */

const exampleQuery = readFileSync(new URL('../docs/example-query.graphql', import.meta.url), 'utf8');
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';
const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { token } }';
const CLIENTS = 32;
const ROUNDS = 10;

let dataDir: string;
let supergraph: Supergraph;

/** What went wrong in one answer, or nothing; collected so a failure lists every bad answer at once. */
type Problem = { client: number; round: number; problem: string };

/** Runs `ask(client, round)` for every client at once, each client's rounds one after another. */
async function concurrently(clients: number, rounds: number, ask: (client: number, round: number) => Promise<string | undefined>) {
  const problems: Problem[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; round < rounds; round++) {
        const problem = await ask(client, round);
        if (problem) problems.push({ client, round, problem });
      }
    }),
  );
  return problems;
}

const describeErrors = (response: GraphQLResponse) =>
  response.errors?.map((error) => `${error.extensions?.code}: ${error.message}`).join('; ');

beforeAll(async () => {
  dataDir = await embeddedDataDir('supergraph-embedded-concurrency-');
  // The README query is asked as each demo user, so the demo data is wanted.
  const env = embeddedEnv(dataDir, { SEED_DEMO_DATA: 'true' });
  supergraph = await startSupergraph(env, () => {});
});
afterAll(async () => {
  await supergraph?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start under concurrent clients (embedded PostgreSQL)', () => {
  it(`answers ${CLIENTS} users signed up at once, each asking for their own account ${ROUNDS} times, with their own account only`, async () => {
    // The relay shares each database with the requests: every sign-up must still come out as an event.
    const admin = await graphql(supergraph.url, LOG_IN, { input: { email: 'admin@example.com', password: DEMO_PASSWORD } });
    const events = wsClient(supergraph.url, admin.data!.logIn.token);
    const registrations = subscribe(events, 'subscription { userRegistered { email } }');
    await waitFor('the subscription to be live', async () => {
      const health = (await (await fetch(supergraph.url.replace('/graphql', '/health'))).json()) as { subscriptions: number };
      return health.subscriptions === 1;
    });

    const signUps = await Promise.all(
      Array.from({ length: CLIENTS }, (_, client) =>
        graphql(supergraph.url, SIGN_UP, {
          input: { email: `concurrent-${client}@example.com`, name: `Concurrent ${client}`, password: 'long enough' },
        }),
      ),
    );
    expect(signUps.map(describeErrors).filter(Boolean)).toEqual([]);
    const accounts = signUps.map((response, client) => ({
      token: response.data!.signUp.token as string,
      id: response.data!.signUp.user.id as string,
      email: `concurrent-${client}@example.com`,
    }));

    const problems = await concurrently(CLIENTS, ROUNDS, async (client) => {
      const response = await graphql(supergraph.url, '{ me { id email } }', {}, { token: accounts[client]!.token });
      if (response.errors) return describeErrors(response);
      const { id, email } = accounts[client]!;
      if (response.data!.me.id !== id || response.data!.me.email !== email) {
        return `answered ${JSON.stringify(response.data!.me)} instead of ${JSON.stringify({ id, email })}`;
      }
    });
    expect(problems).toEqual([]);

    await registrations.nth(CLIENTS, 20_000);
    expect(registrations.results.map((result) => result.data.userRegistered.email).sort()).toEqual(
      accounts.map((account) => account.email).sort(),
    );
    await events.dispose();
  }, 120_000);

  it(`answers ${CLIENTS} clients counting users at once without an error`, async () => {
    const expected = await graphql(supergraph.url, '{ users(first: 5) { totalCount } }');
    expect(expected.errors).toBeUndefined();
    const problems = await concurrently(CLIENTS, ROUNDS, async () => {
      const response = await graphql(supergraph.url, '{ users(first: 5) { totalCount } }');
      if (response.errors) return describeErrors(response);
      if (response.data!.users.totalCount !== expected.data!.users.totalCount) {
        return `counted ${response.data!.users.totalCount} users instead of ${expected.data!.users.totalCount}`;
      }
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it(`answers the README's example query, spanning all three subgraphs, for ${CLIENTS} clients at once with each one's own notes and orders`, async () => {
    const tokens = await Promise.all(
      demoUsers.map(async ({ email }) => {
        const login = await graphql(supergraph.url, LOG_IN, { input: { email, password: DEMO_PASSWORD } });
        expect(login.errors).toBeUndefined();
        return login.data!.logIn.token as string;
      }),
    );
    // Each demo user's answer on its own, to compare the concurrent ones with.
    const expected: unknown[] = [];
    for (const token of tokens) {
      const response = await graphql(supergraph.url, exampleQuery, {}, { token });
      expect(response.errors).toBeUndefined();
      expected.push(response.data);
    }

    const problems = await concurrently(CLIENTS, ROUNDS, async (client) => {
      const user = client % tokens.length;
      const response = await graphql(supergraph.url, exampleQuery, {}, { token: tokens[user] });
      if (response.errors) return describeErrors(response);
      if (JSON.stringify(response.data) !== JSON.stringify(expected[user])) {
        return `answered ${JSON.stringify(response.data)} instead of ${JSON.stringify(expected[user])}`;
      }
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
