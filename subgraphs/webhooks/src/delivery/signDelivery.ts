import { Webhook } from 'standardwebhooks';

/** The secrets an endpoint signs with: its current one and, during a rotation window, the previous one. */
export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: Date | null;
}

/**
 * The Standard Webhooks headers of one attempt. The id is the event's, the
 * same on every attempt, so receivers drop repeats by it; the timestamp is
 * the attempt's, so a receiver's tolerance window judges each attempt on
 * its own. While a rotation window is open the previous secret signs too
 * (space-separated signatures, as the spec allows): receivers still
 * verifying with the old secret keep working until they switch.
 */
export function signDelivery(eventId: string, body: string, secrets: SigningSecrets, now = new Date()): Record<string, string> {
  const signatures = [new Webhook(secrets.secret).sign(eventId, now, body)];
  if (secrets.previousSecret && secrets.previousSecretUntil && secrets.previousSecretUntil > now) {
    signatures.push(new Webhook(secrets.previousSecret).sign(eventId, now, body));
  }
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
