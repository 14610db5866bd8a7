import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '@supergraph/common';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { countQueries } from '../../../test/kit/queryCounter.ts';
import { TEST_JWT } from '../../../test/kit/tokens.ts';
import { seedUsers } from '../src/index.ts';

const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id name } } }`;
const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { token user { id } } }`;

let users: StartedSubgraph<'users'>;
const userCount = () => users.db.user.count();

beforeAll(async () => {
  users = await startSubgraphForTest('users');
  await seedUsers(users.db);
});
afterAll(() => users?.stop());

describe('signUp', () => {
  it('creates a user and returns a token that identifies them', async () => {
    const signUp = await graphql(users.url, SIGN_UP, {
      input: { email: ' New.Person@Example.com ', name: 'New Person', password: 'long enough' },
    });
    expect(signUp.errors).toBeUndefined();
    expect(signUp.data!.signUp.user).toMatchObject({ name: 'New Person' });

    const me = await graphql(users.url, '{ me { id email } }', {}, { token: signUp.data!.signUp.token });
    expect(me.data!.me).toEqual({ id: signUp.data!.signUp.user.id, email: 'new.person@example.com' });
  });

  it('never stores the password in clear', async () => {
    await graphql(users.url, SIGN_UP, { input: { email: 'hash@example.com', name: 'H', password: 'plain-text-pw' } });
    const row = await users.db.user.findUniqueOrThrow({ where: { email: 'hash@example.com' } });
    expect(row.passwordHash).not.toContain('plain-text-pw');
    expect(row.passwordHash).toMatch(/^scrypt\$/);
  });

  it('rejects a duplicate e-mail, case-insensitively, with CONFLICT on input.email and writes nothing', async () => {
    const before = await userCount();
    const response = await graphql(users.url, SIGN_UP, {
      input: { email: 'ALICE@example.com', name: 'Impostor', password: 'whatever123' },
    });
    expect(errorCode(response)).toBe('CONFLICT');
    expect(response.errors![0]!.extensions!.field).toBe('input.email');
    expect(await userCount()).toBe(before);
  });

  it('answers a taken e-mail address no faster than a new one, so timing does not tell which addresses have accounts', async () => {
    const timed = async (email: string) => {
      const started = performance.now();
      const response = await graphql(users.url, SIGN_UP, { input: { email, name: 'Timing', password: 'long enough' } });
      return { ms: performance.now() - started, code: errorCode(response) };
    };
    const taken: number[] = [];
    const fresh: number[] = [];
    // Interleaved, so a slower moment of the machine weighs on both alike.
    for (let round = 0; round < 6; round++) {
      const conflict = await timed('alice@example.com');
      const created = await timed(`timing-${round}@example.com`);
      expect([conflict.code, created.code]).toEqual(['CONFLICT', undefined]);
      taken.push(conflict.ms);
      fresh.push(created.ms);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Checking the address before hashing answered a taken one in a few ms and a new one in scrypt's time (tens of ms).
    expect(median(taken)).toBeGreaterThan(median(fresh) * 0.7);
  });

  it.each([
    ['input.email', { email: 'not-an-email', name: 'X', password: 'long enough' }],
    ['input.name', { email: 'x1@example.com', name: '   ', password: 'long enough' }],
    ['input.password', { email: 'x2@example.com', name: 'X', password: 'short' }],
  ])('rejects an invalid %s with BAD_USER_INPUT and writes nothing', async (field, input) => {
    const before = await userCount();
    const response = await graphql(users.url, SIGN_UP, { input });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0]!.extensions!.field).toBe(field);
    expect(await userCount()).toBe(before);
  });
});

describe('logIn', () => {
  it('returns a token for the right password', async () => {
    const response = await graphql(users.url, LOG_IN, { input: { email: 'alice@example.com', password: DEMO_PASSWORD } });
    expect(response.data!.logIn.token).toMatch(/^ey/);
    const me = await graphql(users.url, '{ me { id email } }', {}, { token: response.data!.logIn.token });
    expect(me.data!.me).toEqual({ id: response.data!.logIn.user.id, email: 'alice@example.com' });
  });

  it('rejects a wrong password with UNAUTHENTICATED on input.password', async () => {
    const response = await graphql(users.url, LOG_IN, { input: { email: 'alice@example.com', password: 'wrong-password' } });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.errors![0]!.extensions!.field).toBe('input.password');
    expect(response.data).toBeNull();
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const unknown = await graphql(users.url, LOG_IN, { input: { email: 'nobody@example.com', password: 'wrong-password' } });
    const wrong = await graphql(users.url, LOG_IN, { input: { email: 'alice@example.com', password: 'wrong-password' } });
    expect(unknown.errors).toEqual(wrong.errors);
  });
});

describe('queries', () => {
  it('answers me without a token with UNAUTHENTICATED', async () => {
    const response = await graphql(users.url, '{ me { id } }');
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('rejects a malformed token with UNAUTHENTICATED', async () => {
    const response = await graphql(users.url, '{ users { totalCount } }', {}, { token: 'not.a.jwt' });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('rejects a token signed with another secret', async () => {
    const forged = await signToken({ id: '00000000-0000-4000-8000-000000000001', role: 'ADMIN' }, { ...TEST_JWT, JWT_SECRET: 'another-secret-that-is-32-characters-long' });
    const response = await graphql(users.url, '{ me { id } }', {}, { token: forged });
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
  });

  it('pages through users with cursors and reports the total', async () => {
    const first = await graphql(users.url, '{ users(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }');
    const total = await userCount();
    expect(first.data!.users.totalCount).toBe(total);
    expect(first.data!.users.edges).toHaveLength(2);
    const rest = await graphql(users.url, 'query($after: String) { users(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }', {
      after: first.data!.users.pageInfo.endCursor,
    });
    const ids = [...first.data!.users.edges, ...rest.data!.users.edges].map((edge: any) => edge.node.id);
    expect(new Set(ids).size).toBe(total);
    expect(rest.data!.users.pageInfo.hasNextPage).toBe(false);
  });

  it('rejects first over the maximum with BAD_USER_INPUT on first', async () => {
    const response = await graphql(users.url, '{ users(first: 101) { totalCount } }');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0]!.extensions!.field).toBe('first');
  });

  it('rejects a cursor it did not issue with BAD_USER_INPUT on after', async () => {
    const response = await graphql(users.url, '{ users(after: "garbage") { totalCount } }');
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('rejects a malformed id with BAD_USER_INPUT on id', async () => {
    const response = await graphql(users.url, '{ user(id: "42") { id } }');
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('resolves many entity references with one SQL query', async () => {
    const ids = (await users.db.user.findMany({ select: { id: true } })).map(({ id }) => id);
    const representations = ids.map((id) => ({ __typename: 'User', id }));
    const counter = countQueries(users.db);
    const response = await graphql(users.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }', {
      r: representations,
    });
    expect(response.data!._entities).toHaveLength(ids.length);
    expect(counter.count).toBe(1);
  });
});

describe('limits when called directly', () => {
  it('rejects a query with 100 aliases', async () => {
    const aliases = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: users { totalCount }`).join(' ')} }`;
    const response = await graphql(users.url, aliases);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors![0]!.message).toMatch(/aliases/i);
  });

  it('rejects a document over the token limit', async () => {
    const fields = Array.from({ length: 2500 }, () => 'id').join(' ');
    const response = await graphql(users.url, `{ users { edges { node { ${fields} } } } }`);
    expect(response.errors![0]!.message).toMatch(/token/i);
  });
});
