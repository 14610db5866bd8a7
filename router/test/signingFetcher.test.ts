import { describe, expect, it } from 'vitest';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { createSubgraphVerifier } from '@supergraph/common';
import { signingFetcher } from '../src/signingFetcher.ts';

const SECRET = `whsec_${Buffer.from('s'.repeat(32)).toString('base64')}`;

/** A fetcher that records what it was asked to send. */
function recordingFetcher() {
  const sent: { url: string; init: { body: string; headers: Record<string, string> } }[] = [];
  const fetcher = (async (url: string, init: never) => {
    sent.push({ url, init });
    return new Response('{}');
  }) as unknown as RemoteGraphQLDataSource['fetcher'];
  return { fetcher, sent };
}

describe('signingFetcher', () => {
  it('adds a signature over the exact body and keeps the headers it was given', async () => {
    const { fetcher, sent } = recordingFetcher();
    const body = '{"query":"{ me { id } }"}';
    await signingFetcher(fetcher, SECRET)('http://users/graphql', { method: 'POST', body, headers: { authorization: 'Bearer t', 'x-request-id': 'r1' } } as never);
    const { headers } = sent[0]!.init;
    expect(headers).toMatchObject({ authorization: 'Bearer t', 'x-request-id': 'r1' });
    expect(() => createSubgraphVerifier([SECRET])(Buffer.from(body), headers)).not.toThrow();
  });

  it('does not let a forwarded header stand in for its own signature', async () => {
    const { fetcher, sent } = recordingFetcher();
    await signingFetcher(fetcher, SECRET)('http://users/graphql', { body: '{}', headers: { 'webhook-signature': 'v1,forged' } } as never);
    expect(sent[0]!.init.headers['webhook-signature']).not.toBe('v1,forged');
  });
});
