import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { createFormatError, type Logger, type SharedConfig } from '@supergraph/common';

type AnyError = GraphQLError | GraphQLFormattedError;

/**
 * Formats what the graphql-ws path sends exactly as the HTTP path does:
 * every error with `extensions.code`, internal failures masked, and no
 * "Did you mean ..." outside development (field suggestions leak the
 * schema). Results that went through Apollo's `executeOperation` already
 * carry formatted errors and pass unchanged; errors raised on the socket
 * path itself (parse, validation, subscription set-up, event payloads) are
 * GraphQLErrors and are formatted here. graphql-ws would otherwise call
 * `toJSON()` on every error and close the socket on a formatted one.
 */
export function createSocketErrorFormatter(config: SharedConfig, logger: Logger) {
  const formatError = createFormatError(logger);
  const hideSuggestions = config.NODE_ENV !== 'development';
  const formatOne = (error: AnyError): GraphQLFormattedError => {
    if (!(error instanceof GraphQLError)) return error;
    const formatted = formatError(error.toJSON(), error);
    return hideSuggestions ? { ...formatted, message: formatted.message.replace(/ ?Did you mean .*\?$/, '') } : formatted;
  };
  return {
    errors: (errors: readonly AnyError[]): GraphQLFormattedError[] => errors.map(formatOne),
    result: (result: ExecutionResult | { errors?: readonly AnyError[] }) =>
      result.errors ? { ...result, errors: result.errors.map(formatOne) } : result,
  };
}

/** Gives errors of a stage that raises them without a code (graphql-js parse and validation) the code Apollo gives them over HTTP. */
export function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((error) =>
    error.extensions?.code ? error : new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, code } }),
  );
}
