import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isConnectionLoss } from './connectionLoss.ts';
import type { ErrorCode } from './errorCodes.ts';
import type { Logger } from './logger.ts';

/**
 * Unexpected failures are logged in full and reach the client only as
 * "Internal server error": stack traces and SQL never leave the service.
 * A lost database connection is not unexpected (failovers happen) and the
 * client can do something about it, so it is SERVICE_UNAVAILABLE: retry.
 * Errors that carry a code from the catalogue (or Apollo's own) pass through.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') return withoutUpstreamResponse(formatted);
    const cause = unwrapResolverError(error);
    const lost = isConnectionLoss(cause);
    if (lost) logger.warn({ err: cause, path: formatted.path }, 'database connection lost during a request');
    else logger.error({ err: cause, path: formatted.path }, 'unexpected error');
    const [masked, message]: [ErrorCode, string] = lost
      ? ['SERVICE_UNAVAILABLE', 'The service could not reach its database; retry the request.']
      : ['INTERNAL_SERVER_ERROR', 'Internal server error'];
    return { message, path: formatted.path, locations: formatted.locations, extensions: { code: masked } };
  };
}

/**
 * The gateway describes a subgraph's non-2xx answer in `extensions.response`:
 * its internal URL, status and raw body. The code and message say what the
 * client needs; where the subgraphs live is not theirs to know.
 */
function withoutUpstreamResponse(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('response' in formatted.extensions)) return formatted;
  const { response: _response, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
