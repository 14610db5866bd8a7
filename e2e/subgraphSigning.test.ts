import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSubgraphSigner } from '@supergraph/common';
import { loadRouterConfig, startRouter } from '@supergraph/router';
import { startSupergraph } from '../scripts/startSupergraph.ts';
import { errorCode, graphql, type GraphQLResponse } from '../test/kit/graphql.ts';
import { createTestDatabase, SUBGRAPHS, urlVariable } from '../test/kit/postgres.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest } from '../test/kit/subgraphs.ts';
import { newSigningSecret, TEST_JWT } from '../test/kit/tokens.ts';

const root = path.resolve(import.meta.dirname, '..');
const OLD = newSigningSecret();
const NEW = newSigningSecret();
const production = { NODE_ENV: 'production', JWT_SECRET: TEST_JWT.JWT_SECRET };

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';
const ACROSS_SUBGRAPHS = '{ me { email noteCount orders(first: 1) { totalCount } } }';
const SDL = '{ _service { sdl } }';
const USER_EMAIL = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }';

let stack: TestStack;
let user: { id: string; token: string };
const subgraphUrls = () => [stack.users.url, stack.notes.url, stack.orders.url];

// Mid-rotation: every subgraph accepts the old and the new secret, and the router already signs with the new one.
beforeAll(async () => {
  stack = await startStack({ env: { ...production, SUBGRAPH_SIGNING_SECRETS: `${OLD},${NEW}` }, routerEnv: { SUBGRAPH_SIGNING_SECRETS: NEW } });
  const signUp = await graphql(stack.router.url, SIGN_UP, { input: { email: 'signed@example.com', name: 'Signed', password: 'long-enough-password' } });
  expect(signUp.errors).toBeUndefined();
  user = { id: signUp.data!.signUp.user.id, token: signUp.data!.signUp.token };
});
afterAll(() => stack?.stop());

/** Another router over the stack's subgraphs, signing with `secrets`; stopped after `use`. */
async function withRouter<T>(secrets: string, use: (url: string) => Promise<T>): Promise<T> {
  const router = await startRouter(
    loadRouterConfig({
      ...process.env,
      ...production,
      SUBGRAPH_SIGNING_SECRETS: secrets,
      ROUTER_PORT: '0',
      USERS_ROUTING_URL: stack.users.url,
      NOTES_ROUTING_URL: stack.notes.url,
      ORDERS_ROUTING_URL: stack.orders.url,
    }),
  );
  try {
    return await use(router.url);
  } finally {
    await router.stop();
  }
}

const expectRefused = (response: GraphQLResponse, reason: RegExp) => {
  expect(response.status).toBe(401);
  expect(errorCode(response)).toBe('UNAUTHENTICATED');
  expect(response.errors![0]!.message).toMatch(reason);
  expect(response.data).toBeUndefined();
};

describe('production subgraphs answer only the router', () => {
  it('answers a query spanning the three subgraphs through the router', async () => {
    const response = await graphql(stack.router.url, ACROSS_SUBGRAPHS, {}, { token: user.token });
    expect(response.errors).toBeUndefined();
    expect(response.data!.me).toEqual({ email: 'signed@example.com', noteCount: 0, orders: { totalCount: 0 } });
  });

  it('refuses a direct unsigned _service { sdl } at every subgraph with 401 UNAUTHENTICATED', async () => {
    for (const url of subgraphUrls()) expectRefused(await graphql(url, SDL), /answers only the router; the request carries no signature/);
  });

  it("refuses a direct unsigned _entities lookup of a user's email with 401 UNAUTHENTICATED", async () => {
    const response = await graphql(stack.users.url, USER_EMAIL, { r: [{ __typename: 'User', id: user.id }] }, { token: user.token });
    expectRefused(response, /no signature/);
  });

  it('refuses a GET request, which has no body to sign', async () => {
    const response = await fetch(`${stack.users.url}?query=${encodeURIComponent(SDL)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses malformed JSON with 401 before parsing it when it is unsigned', async () => {
    const response = await fetch(stack.notes.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(401);
  });

  it('refuses a request signed with a secret it does not list', async () => {
    expectRefused(await graphql(stack.users.url, SDL, {}, { signWith: newSigningSecret() }), /signature is not valid: No matching signature found/);
  });

  it('refuses a signature made 10 minutes ago', async () => {
    const response = await graphql(stack.users.url, SDL, {}, { signWith: NEW, signedAt: new Date(Date.now() - 10 * 60_000) });
    expectRefused(response, /signature is not valid: Message timestamp too old/);
  });

  it('refuses a body changed after it was signed', async () => {
    const signed = JSON.stringify({ query: '{ __typename }' });
    const response = await fetch(stack.users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...createSubgraphSigner(NEW)(signed) },
      body: JSON.stringify({ query: SDL }),
    });
    expect(response.status).toBe(401);
  });

  it('answers a direct request signed with a listed secret', async () => {
    const response = await graphql(stack.users.url, USER_EMAIL, { r: [{ __typename: 'User', id: user.id }] }, { signWith: OLD, token: user.token });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual([{ email: 'signed@example.com' }]);
  });

  it('keeps /health open', async () => {
    for (const url of subgraphUrls()) expect((await fetch(url.replace('/graphql', '/health'))).status).toBe(200);
  });
});

describe('rotating the signing secret', () => {
  it('serves routers signing with the old or the new secret while the subgraphs list both', async () => {
    for (const secrets of [OLD, `${NEW},${OLD}`]) {
      const response = await withRouter(secrets, (url) => graphql(url, ACROSS_SUBGRAPHS, {}, { token: user.token }));
      expect(response.errors).toBeUndefined();
      expect(response.data!.me.email).toBe('signed@example.com');
    }
  });

  it('gets a router signing with a secret the subgraphs do not list no data, and its clients an internal error, not UNAUTHENTICATED', async () => {
    const response = await withRouter(`${newSigningSecret()},${NEW}`, (url) => graphql(url, ACROSS_SUBGRAPHS, {}, { token: user.token }));
    expect(response.data).toBeNull();
    // The refusal is the router's misconfiguration: nothing of it (subgraph URLs, reasons) reaches the client.
    expect(response.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
  });
});

describe('without SUBGRAPH_SIGNING_SECRETS', () => {
  it('a production router or subgraph refuses to start, naming the setting', async () => {
    // The configuration is refused before any database is touched.
    const env: NodeJS.ProcessEnv = { ...process.env, ...production };
    for (const name of SUBGRAPHS) env[urlVariable(name)] = 'postgresql://127.0.0.1/never-opened';
    delete env.SUBGRAPH_SIGNING_SECRETS;
    const entries = ['router', 'subgraphs/users', 'subgraphs/notes', 'subgraphs/orders'];
    const runs = await Promise.all(entries.map((entry) => runToExit(`${entry}/src/main.ts`, env)));
    for (const [index, run] of runs.entries()) {
      const service = path.basename(entries[index]!);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toContain(`${service}: SUBGRAPH_SIGNING_SECRETS must be set in production`);
    }
  }, 60_000);

  it('a development subgraph answers unsigned requests, but enforces the secrets once they are set', async () => {
    const open = await startSubgraphForTest('users');
    const closed = await startSubgraphForTest('users', { env: { SUBGRAPH_SIGNING_SECRETS: NEW } });
    try {
      expect((await graphql(open.url, SDL)).data!._service.sdl).toContain('type User');
      expectRefused(await graphql(closed.url, SDL), /no signature/);
      expect((await graphql(closed.url, SDL, {}, { signWith: NEW })).data!._service.sdl).toContain('type User');
    } finally {
      await Promise.all([open.stop(), closed.stop()]);
    }
  });
});

describe('npm start', () => {
  it('signs with a secret of its own, so its subgraphs answer only its router', async () => {
    const databases = await Promise.all(SUBGRAPHS.map((name) => createTestDatabase(inject('templates')[name])));
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', SEED_DEMO_DATA: 'false', ROUTER_PORT: '0' };
    delete env.SUBGRAPH_SIGNING_SECRETS;
    SUBGRAPHS.forEach((name, index) => {
      env[urlVariable(name)] = databases[index]!.url;
      env[`${name.toUpperCase()}_PORT`] = '0';
    });
    const supergraph = await startSupergraph(env, () => {});
    try {
      const viaRouter = await graphql(supergraph.url, '{ users(first: 1) { totalCount } notes(first: 1) { totalCount } products(first: 1) { totalCount } }');
      expect(viaRouter.errors).toBeUndefined();
      for (const url of Object.values(supergraph.subgraphUrls)) expectRefused(await graphql(url, SDL), /no signature/);
    } finally {
      await supergraph.stop();
      await Promise.all(databases.map((database) => database.drop()));
    }
  });
});

function runToExit(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(root, entry)], { cwd: root, env, timeout: 50_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}
