import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSubgraphSigner, createSubgraphVerifier, SignatureError } from '../src/subgraphSignature.ts';

const secret = (fill: string) => `whsec_${Buffer.from(fill.repeat(32)).toString('base64')}`;
const OLD = secret('o');
const NEW = secret('n');
const body = '{"query":"{ _service { sdl } }","variables":{}}';

describe('subgraph request signatures', () => {
  it('verifies the exact bytes the signer signed', () => {
    const headers = createSubgraphSigner(NEW)(body);
    expect(() => createSubgraphVerifier([NEW])(Buffer.from(body), headers)).not.toThrow();
    expect(() => createSubgraphVerifier([NEW])(Buffer.from(body.replace('{}', '{"a":1}')), headers)).toThrow(/No matching signature/);
  });

  it('signs as the standardwebhooks library does, byte for byte, non-ASCII bodies included', () => {
    const at = new Date('2026-12-05T10:00:00.900Z');
    for (const signed of [body, '{"query":"{ note(title: \\"Grüße 👋\\") { id } }"}', '']) {
      const headers = createSubgraphSigner(NEW)(signed, at);
      expect(headers['webhook-timestamp']).toBe('1796464800');
      expect(headers['webhook-signature']).toBe(new Webhook(NEW).sign(headers['webhook-id'], at, signed));
    }
  });

  it('accepts a signature made with any listed secret, so the router can move to a new one', () => {
    const verify = createSubgraphVerifier([OLD, NEW]);
    for (const signer of [OLD, NEW]) expect(() => verify(Buffer.from(body), createSubgraphSigner(signer)(body))).not.toThrow();
    expect(() => verify(Buffer.from(body), createSubgraphSigner(secret('x'))(body))).toThrow(SignatureError);
  });

  it('refuses signatures more than five minutes old or ahead', () => {
    const verify = createSubgraphVerifier([NEW]);
    const sign = createSubgraphSigner(NEW);
    expect(() => verify(Buffer.from(body), sign(body, new Date(Date.now() - 10 * 60_000)))).toThrow(/timestamp too old/);
    expect(() => verify(Buffer.from(body), sign(body, new Date(Date.now() + 10 * 60_000)))).toThrow(/timestamp too new/);
    expect(() => verify(Buffer.from(body), sign(body, new Date(Date.now() - 4 * 60_000)))).not.toThrow();
  });

  it('treats missing or repeated signature headers as no signature', () => {
    const headers = createSubgraphSigner(NEW)(body);
    const verify = createSubgraphVerifier([NEW]);
    expect(() => verify(Buffer.from(body), {})).toThrow(/carries no signature \(webhook-id, webhook-timestamp, webhook-signature headers\)/);
    expect(() => verify(Buffer.from(body), { ...headers, 'webhook-id': [headers['webhook-id'], 'other'] } as never)).toThrow(/carries no signature/);
  });

  it('gives each request its own message id', () => {
    const sign = createSubgraphSigner(NEW);
    expect(sign(body)['webhook-id']).not.toBe(sign(body)['webhook-id']);
  });

  it('refuses to sign anything but the body string', () => {
    expect(() => createSubgraphSigner(NEW)({ query: '{ a }' } as never)).toThrow(new TypeError('A subgraph request is signed over its exact body, a string; got object.'));
  });
});
