import { expect, it } from 'vitest';
import { graphql } from '../test/kit/graphql.ts';
import { routerRecordingUsers } from '../test/kit/recordingProxy.ts';
import { tokenFor } from '../test/kit/tokens.ts';

const recorded = routerRecordingUsers();

it("forwards the caller's Authorization and request id to subgraphs over a kept-alive connection", async () => {
  const token = await tokenFor('00000000-0000-4000-8000-000000000001');
  for (const requestId of ['req-1', 'req-2', 'req-3']) {
    await graphql(recorded.router.url, '{ users(first: 1) { totalCount } }', {}, { token, headers: { 'x-request-id': requestId } });
  }
  const forwarded = recorded.proxy.requests.filter((headers) => String(headers['x-request-id']).startsWith('req-'));
  expect(forwarded.map((headers) => headers['x-request-id'])).toEqual(['req-1', 'req-2', 'req-3']);
  expect(forwarded.every((headers) => headers.authorization === `Bearer ${token}`)).toBe(true);
  expect(recorded.proxy.connections).toBe(1);
});
