import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { DEMO_PASSWORD, demoUsers } from '@supergraph/demo';
import {
  ExampleCreateNoteDocument,
  ExampleLogInDocument,
  ExampleMyNotesDocument,
  ExampleNoteCreatedDocument,
  type ExampleNoteCreatedSubscription,
} from '../examples/src/__generated__/operations.ts';
import { GraphQLRequestError, supergraphClient } from '../examples/src/supergraphClient.ts';
import { createInProcessEvents } from '../scripts/inProcessEvents.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { waitFor } from '../test/kit/waitFor.ts';

let stack: TestStack;
const [alice] = demoUsers;

beforeAll(async () => {
  const events = createInProcessEvents(createLogger('events', 'silent'));
  stack = await startStack({ seed: true, events: { publisher: events.publisher }, runtime: { eventSource: events.eventSource } });
});
afterAll(() => stack?.stop());

it('runs the typed example mutation, query and subscription against the router', async () => {
  const anonymous = supergraphClient(stack.router.url);
  const { logIn } = await anonymous.request(ExampleLogInDocument, { email: alice.email, password: DEMO_PASSWORD });
  await anonymous.close();
  expect(logIn.user.id).toBe(alice.id);

  const client = supergraphClient(stack.router.url, logIn.token);
  const { me } = await client.request(ExampleMyNotesDocument, { first: 2 });
  expect(me.notes.edges).toHaveLength(2);

  const seen: ExampleNoteCreatedSubscription[] = [];
  const stop = client.subscribe(ExampleNoteCreatedDocument, { authorId: alice.id }, (data) => seen.push(data));
  await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1);
  await stack.router.subscriptions!.ready();
  const { createNote } = await client.request(ExampleCreateNoteDocument, { title: 'Typed', content: 'end to end' });
  await waitFor('the event', () => seen.length === 1);
  expect(seen[0]!.noteCreated).toEqual({ id: createNote.id, title: 'Typed', author: { email: alice.email } });
  stop();
  await client.close();
});

it('surfaces GraphQL errors with their codes', async () => {
  const client = supergraphClient(stack.router.url);
  await expect(client.request(ExampleMyNotesDocument, { first: 1 })).rejects.toThrow(GraphQLRequestError);
  await expect(client.request(ExampleMyNotesDocument, { first: 1 })).rejects.toThrow(/UNAUTHENTICATED/);
  await client.close();
});
