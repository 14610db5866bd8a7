import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  BREAK,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  separateOperations,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from './appError.ts';

/**
 * PostgreSQL's text cannot hold NUL, and an unpaired UTF-16 surrogate has no
 * UTF-8 form (the pg driver silently writes U+FFFD instead). With the `u`
 * flag a well-formed pair reads as one code point, so only lone surrogates
 * match `\p{Surrogate}`.
 */
const UNSTORABLE = /[\u0000\p{Surrogate}]/u;

/**
 * Finds the first string argument of the operation to run that holds NUL or
 * an unpaired surrogate, whether written in the document or sent as a
 * variable, however deep in input objects and lists. Returns a BAD_USER_INPUT
 * error naming its path (`input.content`, `input.items.0.productId`), or null.
 * The document must already be valid against `schema`. Variables that do not
 * coerce are left to execution, which reports them in its own words.
 */
export function findMalformedText(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return null;

  // Only what this operation runs: its own selections and the fragments they spread.
  const runs = separateOperations(document)[operation.name?.value ?? '']!;
  const typeInfo = new TypeInfo(schema);
  let found: GraphQLError | null = null;
  visit(
    runs,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const field = typeInfo.getFieldDef();
        // Without arguments in the request, only the schema's defaults remain, and those are ours.
        if (!field || !node.arguments?.length) return;
        let values: Record<string, unknown>;
        try {
          values = getArgumentValues(field, node, coerced.coerced);
        } catch (error) {
          // A value only execution can judge (null for a non-null argument): it fails this field there.
          if (error instanceof GraphQLError) return;
          throw error;
        }
        for (const [name, value] of Object.entries(values)) {
          const path = findUnstorableString(value, name);
          if (path !== null) {
            found = badInput(path, `${path} must not contain NUL characters or unpaired surrogates.`);
            return BREAK;
          }
        }
      },
    }),
  );
  return found;
}

/**
 * The path of the first unstorable string in a coerced argument value.
 * Values here come from graphql-js's recursive coercion, so they are no
 * deeper than it could go. Other objects (a DateTime's Date) hold no text.
 */
function findUnstorableString(value: unknown, path: string): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableString(item, `${path}.${index}`);
      if (found !== null) return found;
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnstorableString(item, `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Refuses unstorable text once the operation is known and before anything
 * runs, so a refused mutation writes nothing. Apollo answers an error thrown
 * from this hook with the HTTP status it carries.
 */
export function textInputGuard<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const error = findMalformedText(schema, document, request.operationName, request.variables);
          if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}
