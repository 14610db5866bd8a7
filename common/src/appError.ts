import { GraphQLError } from 'graphql';
import type { ErrorCode } from './errorCodes.ts';

export interface AppErrorOptions {
  /** Path of the offending argument or input field, e.g. `input.title`. */
  field?: string;
  /** Extra machine-readable details (limits, current version, ...). */
  details?: Record<string, unknown>;
  /** Where in the response the error belongs, for errors raised outside a resolver. */
  path?: readonly (string | number)[];
}

/** Builds a GraphQL error whose code comes from the catalogue. */
export function appError(code: ErrorCode, message: string, options: AppErrorOptions = {}): GraphQLError {
  return new GraphQLError(message, {
    path: options.path,
    extensions: {
      code,
      ...(options.field === undefined ? {} : { field: options.field }),
      ...options.details,
    },
  });
}

export const badInput = (field: string, message: string, details?: Record<string, unknown>) =>
  appError('BAD_USER_INPUT', message, { field, details });

export const notFound = (field: string, message: string) => appError('NOT_FOUND', message, { field });

export const unauthenticated = (message = 'You must be signed in to do this.') =>
  appError('UNAUTHENTICATED', message);

export const forbidden = (message: string, field?: string) => appError('FORBIDDEN', message, { field });
