import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * The contract between the router and the subgraphs: the router signs every
 * request it sends a subgraph, and a subgraph answers nothing else. The
 * scheme is Standard Webhooks (https://www.standardwebhooks.com): an
 * HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<exact body>` with a shared
 * secret, sent in these headers.
 */
export const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * The `WWW-Authenticate` challenge on a subgraph's 401 for a missing or bad
 * signature: it tells the router that the subgraph refused the router's
 * signature, not the caller's token.
 */
export const SIGNATURE_CHALLENGE = 'StandardWebhooks';

export type SignatureHeaders = Record<(typeof SIGNATURE_HEADERS)[number], string>;

/**
 * How far a signature's timestamp may be from the subgraph's clock, either
 * way. Fixed by the standardwebhooks library; it bounds how long a captured
 * request could be replayed and how much clock skew is tolerated.
 */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** Standard Webhooks recommends keys of 24 to 64 random bytes. */
const MIN_SECRET_BYTES = 24;
const SECRET_PREFIX = 'whsec_';

/** Why `secret` cannot sign subgraph requests, or null when it can. Never repeats the secret. */
export function signingSecretProblem(secret: string): string | null {
  const base64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // The library's decoder lets some malformed input through; accept only the standard alphabet.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return `is not base64 (optionally prefixed ${SECRET_PREFIX})`;
  try {
    new Webhook(secret);
  } catch {
    return `is not base64 (optionally prefixed ${SECRET_PREFIX})`;
  }
  const bytes = Buffer.from(base64, 'base64').length;
  if (bytes < MIN_SECRET_BYTES) return `decodes to ${bytes} bytes; use at least ${MIN_SECRET_BYTES} random bytes`;
  return null;
}

/**
 * Signs request bodies with `secret`; `at` is for tests that need an old
 * signature. The signature is the library's (`v1,` and the base64 HMAC, a
 * test compares them), made with node:crypto: the library's own `sign`
 * hashes in JavaScript (fast-sha256), 3% of the router's CPU, which signs
 * every subgraph fetch. Verifying stays the library's.
 */
export function createSubgraphSigner(secret: string): (body: string, at?: Date) => SignatureHeaders {
  new Webhook(secret); // refuses a secret the library could not use
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return (body, at = new Date()) => {
    if (typeof body !== 'string') throw new TypeError(`A subgraph request is signed over its exact body, a string; got ${typeof body}.`);
    const id = randomUUID();
    const timestamp = String(Math.floor(at.getTime() / 1000));
    return {
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
    };
  };
}

/** Thrown when a request is not signed by the router; `message` says why, without secrets. */
export class SignatureError extends Error {
  /** Body parsers and Express read the HTTP status from here. */
  readonly status = 401;
  readonly expose = true;
}

/**
 * Checks that `body`, exactly as received, was signed with any of `secrets`
 * within the tolerance, so a subgraph can accept both the old and the new
 * secret while the router's is being rotated. Throws a SignatureError.
 */
export function createSubgraphVerifier(secrets: readonly string[]): (body: Buffer, headers: IncomingHttpHeaders) => void {
  if (secrets.length === 0) throw new TypeError('A subgraph verifier needs at least one signing secret.');
  const webhooks = secrets.map((secret) => new Webhook(secret));
  return (body, headers) => {
    const signature = signatureHeadersOf(headers);
    if (!signature) throw new SignatureError(`the request carries no signature (${SIGNATURE_HEADERS.join(', ')} headers)`);
    let refusal: Error | undefined;
    for (const webhook of webhooks) {
      try {
        webhook.verify(body, signature, { jsonParse: false });
        return;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        refusal = error;
      }
    }
    // The library's reasons ("Message timestamp too old", "No matching signature found") name no secret.
    throw new SignatureError(`the signature is not valid: ${refusal!.message}`);
  };
}

/** The three headers, each exactly once; a repeated header is as good as none. */
function signatureHeadersOf(headers: IncomingHttpHeaders): SignatureHeaders | null {
  const found: Partial<SignatureHeaders> = {};
  for (const name of SIGNATURE_HEADERS) {
    const value = headers[name];
    if (typeof value !== 'string' || value === '') return null;
    found[name] = value;
  }
  return found as SignatureHeaders;
}
