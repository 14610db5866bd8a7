import { badInput } from '@supergraph/common';
import { checkTarget, type AddressPolicy } from './delivery/addressPolicy.ts';
import { LIMITS } from './limits.ts';

/**
 * Refuses, at create time, a URL deliveries could never go to: not https
 * (unless the deployment allows http), carrying credentials, or whose host
 * is or resolves to a forbidden address. The sender checks again on every
 * attempt, since what a name resolves to can change.
 */
export async function checkEndpointUrl(raw: string, options: AddressPolicy & { allowHttp: boolean }, field = 'input.url'): Promise<string> {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    throw badInput(field, `${field} must be an https URL.`);
  }
  if (url.username || url.password) throw badInput(field, `${field} must not carry credentials; verify deliveries by their signature.`);
  try {
    await checkTarget(url, options);
  } catch (error) {
    throw badInput(field, `${field} cannot receive webhooks: ${(error as Error).message}.`);
  }
  // What is stored and sent is the normalized URL, percent-encoding included: the limit holds for it.
  const normalized = url.toString();
  if (normalized.length > LIMITS.urlLength) throw badInput(field, `${field} must be at most ${LIMITS.urlLength} characters once percent-encoded.`, { max: LIMITS.urlLength });
  return normalized;
}
