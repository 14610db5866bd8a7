import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER } from '@supergraph/common';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { watchOutbox } from '../../../test/kit/outboxEvents.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { seedUsers } from '../src/index.ts';

const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } } }`;
const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { token } }`;

let users: StartedSubgraph<'users'>;

beforeAll(async () => {
  users = await startSubgraphForTest('users');
  await seedUsers(users.db);
});
afterAll(() => users?.stop());

const withRequestId = (requestId: string) => ({ headers: { [REQUEST_ID_HEADER]: requestId } });

describe('outbox events of the users subgraph', () => {
  it('signUp writes one user.registered for the new user, caused by the request it came in', async () => {
    const outbox = await watchOutbox(users.db);
    const response = await graphql(
      users.url,
      SIGN_UP,
      { input: { email: 'Events@Example.com', name: 'Eve Events', password: 'long enough' } },
      withRequestId('req-sign-up'),
    );
    expect(response.errors).toBeUndefined();
    const userId = response.data!.signUp.user.id;

    const [event, ...others] = await outbox.events();
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      type: 'user.registered',
      schemaVersion: 1,
      aggregateType: 'User',
      aggregateId: userId,
      aggregateVersion: 1,
      // Signing up is anonymous: no one was signed in to act.
      actorId: null,
      correlationId: 'req-sign-up',
      causationId: null,
      data: { userId, email: 'events@example.com', name: 'Eve Events' },
    });
    expect(JSON.stringify(event)).not.toMatch(/scrypt|long enough/);
  });

  it.each([
    ['a taken e-mail address', { email: 'alice@example.com', name: 'Impostor', password: 'long enough' }, 'CONFLICT'],
    ['an invalid e-mail address', { email: 'not-an-email', name: 'X', password: 'long enough' }, 'BAD_USER_INPUT'],
    ['a short password', { email: 'short@example.com', name: 'X', password: 'short' }, 'BAD_USER_INPUT'],
  ])('a signUp rejected for %s writes no event', async (_case, input, code) => {
    const outbox = await watchOutbox(users.db);
    const response = await graphql(users.url, SIGN_UP, { input });
    expect(errorCode(response)).toBe(code);
    expect(await outbox.events()).toEqual([]);
  });

  it('writes one event per account when the same address signs up concurrently', async () => {
    const outbox = await watchOutbox(users.db);
    const input = { email: 'race@example.com', name: 'Racer', password: 'long enough' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => graphql(users.url, SIGN_UP, { input })));
    expect(responses.filter((response) => !response.errors)).toHaveLength(1);
    const events = await outbox.events();
    expect(events.map((event) => event.type)).toEqual(['user.registered']);
  });

  it('logIn changes nothing and writes no event', async () => {
    const outbox = await watchOutbox(users.db);
    const response = await graphql(users.url, LOG_IN, { input: { email: 'alice@example.com', password: DEMO_PASSWORD } });
    expect(response.errors).toBeUndefined();
    expect(await outbox.events()).toEqual([]);
  });
});
