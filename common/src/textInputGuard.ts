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
  if (clearlyStorable(document.loc?.source.body, variables)) return null;
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
          const offender = findUnstorableString(value, name);
          if (offender !== null) {
            const { path, tooDeep } = offender;
            found = tooDeep
              ? badInput(path, `${path} nests deeper than ${MAX_VALUE_DEPTH} levels.`)
              : badInput(path, `${path} must not contain NUL characters or unpaired surrogates.`);
            return BREAK;
          }
        }
      },
    }),
  );
  return found;
}

/**
 * Whether a request certainly holds nothing to refuse, read off its text and
 * variables without the schema: no unstorable character and no `\u` escape
 * that could write one in the document, brackets never nested deeper than
 * values may nest, and variables clean however deep. Nearly every request is
 * such, and this costs a scan where the full check walks the document with
 * type information; anything less certain takes the full check.
 */
function clearlyStorable(source: string | undefined, variables: Record<string, unknown> | null | undefined): boolean {
  if (source === undefined || UNSTORABLE.test(source) || source.includes('\\u')) return false;
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code === 0x7b || code === 0x5b) {
      if (++depth > MAX_VALUE_DEPTH) return false;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return variables == null || findUnstorableString(variables, '') === null;
}

/** How deep an argument value may nest. Custom scalars (DateTime, federation's `_Any`) pass any JSON through uncoerced. */
const MAX_VALUE_DEPTH = 100;

/**
 * The path of the first unstorable string in a coerced argument value, or
 * of a value nested deeper than MAX_VALUE_DEPTH (refused too: nothing we
 * store nests that deep, and recursive code further on would overflow).
 * Walked with a stack of its own, not recursion, for the same reason. Other
 * objects (a DateTime's Date) hold no text.
 */
function findUnstorableString(value: unknown, path: string): { path: string; tooDeep: boolean } | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (typeof current.value === 'string') {
      if (UNSTORABLE.test(current.value)) return { path: current.path, tooDeep: false };
      continue;
    }
    const entries = Array.isArray(current.value) ? [...current.value.entries()] : isPlainObject(current.value) ? Object.entries(current.value) : [];
    if (entries.length > 0 && current.depth >= MAX_VALUE_DEPTH) return { path: current.path, tooDeep: true };
    // Reversed onto the stack, so the first offender in document order is found first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      pending.push({ value: item, path: `${current.path}.${key}`, depth: current.depth + 1 });
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
