import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { errorCode, graphql } from '../../../test/kit/graphql.ts';
import { countQueries } from '../../../test/kit/queryCounter.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../../../test/kit/subgraphs.ts';
import { tokenFor } from '../../../test/kit/tokens.ts';

// Endpoint hosts are public IP literals: resolving a name needs DNS, which these machines lack,
// and with WEBHOOKS_WORKER=false nothing is ever sent to them.
const [alice, bob] = demoUsers;
const ENDPOINT = 'id url eventTypes description enabled disabledReason owner { id }';
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT} } } }`;
const LIST = `{ webhookEndpoints(first: 10) { totalCount edges { node { ${ENDPOINT} } } } }`;
const ONE = `query($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT} } }`;

let webhooks: StartedSubgraph<'webhooks'>;
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  webhooks = await startSubgraphForTest('webhooks', { env: { WEBHOOKS_WORKER: 'false', WEBHOOKS_MAX_ENDPOINTS_PER_USER: '3' } });
  [aliceToken, bobToken] = await Promise.all([tokenFor(alice!.id), tokenFor(bob!.id)]);
});
afterAll(() => webhooks?.stop());

const as = (token: string, query: string, variables: Record<string, unknown> = {}) => graphql(webhooks.url, query, variables, { token });
const create = (token: string, input: Record<string, unknown>) => as(token, CREATE, { input });

describe('createWebhookEndpoint', () => {
  it('returns the endpoint and a Standard Webhooks secret, which no query returns again', async () => {
    const response = await create(aliceToken, { url: 'https://93.184.215.14/in', eventTypes: ['note.created', 'note.created', 'order.placed'], description: ' CRM ' });
    expect(response.errors).toBeUndefined();
    const { secret, endpoint } = response.data!.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({ url: 'https://93.184.215.14/in', eventTypes: ['note.created', 'order.placed'], description: 'CRM', enabled: true, owner: { id: alice!.id } });
    const listed = await as(aliceToken, LIST);
    expect(JSON.stringify(listed)).not.toContain(secret);
    await as(aliceToken, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }', { id: endpoint.id });
  });

  it.each([
    ['a private address', 'https://10.0.0.1/hook'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['localhost', 'https://localhost/hook'],
    ['an IPv4-mapped private address', 'https://[::ffff:192.168.1.1]/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
  ])('refuses %s before anything is stored', async (_what, url) => {
    const response = await create(aliceToken, { url, eventTypes: ['note.created'] });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0]!.extensions!.field).toBe('input.url');
    expect(await webhooks.db.webhookEndpoint.count({ where: { url: { contains: new URL(url).hostname } } })).toBe(0);
  });

  it('refuses bad event types and non-http URLs naming the field', async () => {
    expect((await create(aliceToken, { url: 'https://93.184.215.14', eventTypes: ['Note Created'] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.eventTypes' });
    expect((await create(aliceToken, { url: 'ftp://93.184.215.14', eventTypes: ['note.created'] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect((await create(aliceToken, { url: 'https://user:pw@93.184.215.14', eventTypes: ['*'] })).errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
  });

  it('refuses an event type no subgraph declares, naming the field and the type, and stores nothing', async () => {
    for (const eventTypes of [['note.craeted'], ['*', 'parcel.shipped'], ['note.created', 'note.created.twice']]) {
      const response = await create(bobToken, { url: 'https://93.184.215.14/unknown-type', eventTypes });
      expect(response.errors?.[0]?.extensions, JSON.stringify(eventTypes)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.eventTypes' });
      expect(response.errors![0]!.message).toContain(JSON.stringify(eventTypes.at(-1)));
    }
    expect(await webhooks.db.webhookEndpoint.count({ where: { url: { contains: 'unknown-type' } } })).toBe(0);
    // Any type a producer's contract declares is accepted: another subgraph's, or this one's own.
    const accepted = await create(bobToken, { url: 'https://93.184.215.14/known-types', eventTypes: ['payment.voided', 'webhook_endpoint.disabled', 'user.registered'] });
    expect(accepted.errors).toBeUndefined();
    await as(bobToken, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }', { id: accepted.data!.createWebhookEndpoint.endpoint.id });
  });

  it('refuses a URL that is longer than 2048 characters once percent-encoded, rather than storing it past the limit', async () => {
    const response = await create(aliceToken, { url: `https://93.184.215.14/${'é'.repeat(1000)}`, eventTypes: ['*'] });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect(await webhooks.db.webhookEndpoint.count({ where: { url: { contains: '%C3%A9' } } })).toBe(0);
  });

  it('holds each user to WEBHOOKS_MAX_ENDPOINTS_PER_USER, even when creates race', async () => {
    const carol = demoUsers[2]!;
    const token = await tokenFor(carol.id);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => create(token, { url: `https://93.184.215.14/${i}`, eventTypes: ['*'] })));
    expect(responses.filter((response) => !response.errors)).toHaveLength(3);
    expect(responses.filter((response) => errorCode(response) === 'BAD_USER_INPUT')).toHaveLength(3);
    expect(await webhooks.db.webhookEndpoint.count({ where: { ownerId: carol.id } })).toBe(3);
  });

  it('needs a signed-in user', async () => {
    expect(errorCode(await graphql(webhooks.url, CREATE, { input: { url: 'https://93.184.215.14', eventTypes: ['*'] } }))).toBe('UNAUTHENTICATED');
  });
});

describe('owner-only access', () => {
  it('another user neither sees nor changes an endpoint, and gets NOT_FOUND as if it did not exist', async () => {
    const { endpoint } = (await create(aliceToken, { url: 'https://93.184.215.14/alice', eventTypes: ['*'] })).data!.createWebhookEndpoint;
    expect((await as(bobToken, ONE, { id: endpoint.id })).data!.webhookEndpoint).toBeNull();
    expect((await as(bobToken, LIST)).data!.webhookEndpoints.totalCount).toBe(0);
    const viaUser = await as(bobToken, `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { webhookEndpoints { totalCount } } } }`, {
      r: [{ __typename: 'User', id: alice!.id }],
    });
    expect(viaUser.data!._entities[0].webhookEndpoints.totalCount).toBe(0);
    for (const mutation of ['rotateWebhookSecret(id: $id) { secret }', 'disableWebhookEndpoint(id: $id) { id }', 'enableWebhookEndpoint(id: $id) { id }', 'deleteWebhookEndpoint(id: $id) { id }']) {
      const response = await as(bobToken, `mutation($id: ID!) { ${mutation} }`, { id: endpoint.id });
      expect(errorCode(response), mutation).toBe('NOT_FOUND');
    }
    expect((await as(aliceToken, ONE, { id: endpoint.id })).data!.webhookEndpoint).toMatchObject({ id: endpoint.id, enabled: true });
  });

  it('answers a malformed endpoint or delivery key in _entities with null, not an internal error', async () => {
    const response = await as(bobToken, `query($r: [_Any!]!) { _entities(representations: $r) { ... on WebhookDelivery { id } ... on WebhookEndpoint { id } } }`, {
      r: [
        { __typename: 'WebhookDelivery', id: 'not-a-uuid' },
        { __typename: 'WebhookEndpoint', id: 'not-a-uuid' },
      ],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual([null, null]);
  });

  it('rotate returns a new secret and keeps the old one signing for the rotation window; disable and enable toggle delivery', async () => {
    const { endpoint, secret } = (await create(aliceToken, { url: 'https://93.184.215.14/rotate', eventTypes: ['*'] })).data!.createWebhookEndpoint;
    const rotated = await as(aliceToken, 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', { id: endpoint.id });
    expect(rotated.data!.rotateWebhookSecret.secret).not.toBe(secret);
    const row = await webhooks.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.previousSecret).toBe(secret);
    expect(row.previousSecretUntil!.getTime()).toBeGreaterThan(Date.now());

    const disabled = await as(aliceToken, `mutation($id: ID!) { disableWebhookEndpoint(id: $id) { enabled disabledReason } }`, { id: endpoint.id });
    expect(disabled.data!.disableWebhookEndpoint).toEqual({ enabled: false, disabledReason: 'disabled by its owner' });
    const enabled = await as(aliceToken, `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { enabled disabledReason } }`, { id: endpoint.id });
    expect(enabled.data!.enableWebhookEndpoint).toEqual({ enabled: true, disabledReason: null });
  });
});

describe('loading', () => {
  it('reads endpoints with their deliveries in a fixed number of statements, however many there are', async () => {
    const dave = '00000000-0000-4000-8000-0000000000d1';
    const token = await tokenFor(dave);
    const statementsFor = async (endpoints: number) => {
      await webhooks.db.webhookEndpoint.deleteMany({ where: { ownerId: dave } });
      for (let i = 0; i < endpoints; i++) {
        const endpoint = await webhooks.db.webhookEndpoint.create({ data: { ownerId: dave, url: `https://93.184.215.14/${i}`, eventTypes: ['*'], secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });
        await webhooks.db.webhookDelivery.createMany({
          data: Array.from({ length: 3 }, () => ({ endpointId: endpoint.id, eventId: crypto.randomUUID(), eventType: 'note.created', payload: '{}' })),
        });
      }
      const queries = countQueries(webhooks.db);
      const response = await as(token, `{ webhookEndpoints(first: 10) { totalCount edges { node { url deliveries(first: 5) { totalCount edges { node { eventType status } } } } } } }`);
      expect(response.errors).toBeUndefined();
      expect(response.data!.webhookEndpoints.edges).toHaveLength(endpoints);
      return queries.count;
    };
    expect(await statementsFor(1)).toBe(await statementsFor(3));
  });
});
