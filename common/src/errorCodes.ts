/**
 * The one catalogue of error codes a client can see in `extensions.code`.
 * Every GraphQL error raised by our code uses one of these; Apollo's own
 * codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, ...) pass through
 * unchanged. The README's error table is written from this list.
 */
export const errorCodes = {
  BAD_REQUEST: 'The HTTP request itself is malformed (unparseable JSON, body too large).',
  BAD_USER_INPUT: 'An argument or input field is invalid; `extensions.field` names it.',
  UNAUTHENTICATED:
    'No valid token: the operation needs a signed-in user, or the token is malformed or expired. At a subgraph called directly: the request does not carry a valid router signature.',
  FORBIDDEN: 'The signed-in user may not act on this object.',
  NOT_FOUND: 'The object named by `extensions.field` does not exist.',
  CONFLICT: 'The object changed since it was read (stale `expectedVersion`), a unique value is taken, or the object is in a state that does not allow the change yet (say, work on it is still running); the message says what to do.',
  OUT_OF_STOCK: 'Fewer units of an item are available than the request asks for; `extensions.field` names the item.',
  SUBSCRIPTION_LIMIT_EXCEEDED:
    'A new subscription would pass a cap of this router (per socket, per user, per anonymous client address, or in total); `extensions.limit` names the cap and `extensions.max` its value. The socket and its other subscriptions stay open: end one, or retry later.',
  RATE_LIMITED:
    'Too many operations, or calls of a rate-limited field, from this client address, user or argument value; nothing ran. `extensions.retryAfter` says in how many seconds to retry (HTTP 429 with `Retry-After`).',
  SERVICE_UNAVAILABLE:
    'A dependency (the database, the event source) is unreachable or the service is stopping; retry. A write may or may not have happened: read before retrying one, or reuse its idempotency key.',
  COST_ESTIMATED_TOO_EXPENSIVE:
    "The router estimates the operation would cost more than `COST_LIMIT` (see Operation cost) and runs none of it; `extensions.cost` holds `estimated` and `limit` (HTTP 400). Ask for fewer items or fewer nested lists.",
  EVENTS_EXPIRED:
    'The events a subscription asked to resume after are no longer kept (the event is unknown or older than the retained history); refetch the current state, then subscribe again from now.',
  OPERATION_NOT_REGISTERED:
    'The router runs only the documents its clients registered at build time (`PERSISTED_DOCUMENTS_ONLY`), and this is not one of them; nothing ran (HTTP 400). Send a registered document, or its hash as a persisted query.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure; details are logged, never returned.',
} as const;

export type ErrorCode = keyof typeof errorCodes;
