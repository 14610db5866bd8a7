import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { findExcessiveNesting, type DocumentLimits } from '@supergraph/common';
import { withCode } from './socketErrors.ts';

/** A stream request's document, and its validation errors once asked for. */
export interface ParsedDocument {
  document: DocumentNode;
  validation?: readonly GraphQLError[];
}

/** A stream request's document, or why it is refused. */
export type StreamDocument = ParsedDocument | { errors: readonly GraphQLError[] };

/** Documents kept per API schema, and the text they may take in all (requests are at most 1 MB each). */
const DOCUMENTS_KEPT = 1_000;
const TEXT_KEPT = 16 * 1024 * 1024;

export interface StreamDocumentsOptions {
  limits: DocumentLimits;
  parseOptions: ParseOptions;
  rules: readonly ValidationRule[];
}

/**
 * The documents of stream requests (graphql-ws, SSE) by their text, parsed
 * once and validated once per API schema, as Apollo Server keeps HTTP's.
 * After a router restarts, every client subscribes again, mostly with the
 * same few documents: each is read once, not once per client. Handing out
 * the same DocumentNode also lets what the gateway keeps per document (its
 * authorization) answer at once. The router never changes a parsed document.
 */
export function createStreamDocuments(options: StreamDocumentsOptions) {
  // Only the schema served now: a WeakMap by schema would keep an old schema's documents as long as anything holds the
  // schema, and every subscription started before a reload does (its execution arguments) while no request reads them.
  let kept: { schema: GraphQLSchema; documents: LRUCache<string, StreamDocument> } | undefined;
  const read = (query: string): StreamDocument => {
    // Too deep for graphql-js's recursive parser: refused before it reads it, as over HTTP.
    const tooDeep = findExcessiveNesting(query, options.limits);
    if (tooDeep) return { errors: [tooDeep] };
    try {
      return { document: parse(query, options.parseOptions) };
    } catch (error) {
      return { errors: withCode([error instanceof GraphQLError ? error : new GraphQLError(String(error))], 'GRAPHQL_PARSE_FAILED') };
    }
  };

  return {
    /** `query` parsed, or the errors that refuse it. */
    of(schema: GraphQLSchema, query: string): StreamDocument {
      if (kept?.schema !== schema) kept = { schema, documents: new LRUCache({ max: DOCUMENTS_KEPT, maxSize: TEXT_KEPT, sizeCalculation: (_, text) => Math.max(text.length, 1) }) };
      let parsed = kept.documents.get(query);
      if (!parsed) kept.documents.set(query, (parsed = read(query)));
      return parsed;
    },
    /** The errors validating a parsed document against `schema` (the one it was read for) gives. */
    validationOf(schema: GraphQLSchema, parsed: ParsedDocument): readonly GraphQLError[] {
      parsed.validation ??= validate(schema, parsed.document, options.rules);
      return parsed.validation;
    },
  };
}
