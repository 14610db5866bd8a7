import type { Message, Options } from 'amqplib';

/** Why the bridge gave up on a message: the parse error, or the last publish error. */
export const DEAD_LETTER_REASON_HEADER = 'x-dead-letter-reason';
export const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

/**
 * Publish options that carry a message to the dead-letter exchange unchanged:
 * same body, properties and headers, plus the reason and where it came from,
 * so a person can fix and republish it to the original exchange and key.
 */
export function deadLetterOptions(message: Message, reason: string): Options.Publish {
  const { properties, fields } = message;
  return {
    persistent: true,
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
    messageId: properties.messageId,
    correlationId: properties.correlationId,
    timestamp: properties.timestamp,
    type: properties.type,
    appId: properties.appId,
    headers: {
      ...properties.headers,
      [DEAD_LETTER_REASON_HEADER]: reason,
      [ORIGINAL_EXCHANGE_HEADER]: fields.exchange,
      [ORIGINAL_ROUTING_KEY_HEADER]: fields.routingKey,
    },
  };
}
