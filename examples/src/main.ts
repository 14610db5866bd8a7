import { DEMO_PASSWORD } from '@supergraph/demo';
import { ExampleCreateNoteDocument, ExampleLogInDocument, ExampleMyNotesDocument, ExampleNoteCreatedDocument } from './__generated__/operations.ts';
import { supergraphClient } from './supergraphClient.ts';

// `npm run example` against a running supergraph (npm start): a typed
// mutation, query and subscription. Every shape below is checked by tsc
// against the operations in examples/operations.
const url = process.env.SUPERGRAPH_URL ?? 'http://localhost:4000/graphql';

const anonymous = supergraphClient(url);
const { logIn } = await anonymous.request(ExampleLogInDocument, { email: 'alice@example.com', password: DEMO_PASSWORD });
await anonymous.close();
console.log(`Signed in as ${logIn.user.name}`);

const client = supergraphClient(url, logIn.token);
const { me } = await client.request(ExampleMyNotesDocument, { first: 3 });
console.log(`${me.name} has ${me.notes.totalCount} notes: ${me.notes.edges.map((edge) => edge.node.title).join(', ')}`);

const health = url.replace(/\/graphql$/, '/health');
const liveSubscriptions = async () => ((await (await fetch(health)).json()) as { subscriptions: number }).subscriptions;
const before = await liveSubscriptions();
const created = new Promise<string>((resolve) => {
  const stop = client.subscribe(ExampleNoteCreatedDocument, { authorId: logIn.user.id }, ({ noteCreated }) => {
    stop();
    resolve(`${noteCreated.title} by ${noteCreated.author.email}`);
  });
});
// The router's /health counts live subscriptions: wait for ours before causing the event.
while ((await liveSubscriptions()) <= before) await new Promise((resolve) => setTimeout(resolve, 50));
const { createNote } = await client.request(ExampleCreateNoteDocument, { title: 'Hello from the typed client', content: 'Sent by examples/src/main.ts' });
console.log(`Created note ${createNote.id} (version ${createNote.version})`);
console.log(`Subscription saw: ${await created}`);
await client.close();
