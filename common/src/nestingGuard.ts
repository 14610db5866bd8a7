import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { RequestHandler } from 'express';
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { DocumentLimits } from './armor.ts';

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Finds brackets nested deeper than `limits.maxNesting`, reading tokens with
 * graphql-js's lexer, which does not recurse, so a document too deep for the
 * parser is refused before the parser sees it. Returns Apollo's parse failure
 * for the first bracket too deep, or null. Only the first `limits.maxTokens`
 * tokens are read: a parser bounded by the same limit stops there, and a
 * document that does not lex is left to the parser to report.
 */
export function findExcessiveNesting(query: string, limits: DocumentLimits): GraphQLError | null {
  const source = new Source(query);
  const lexer = new Lexer(source);
  let depth = 0;
  try {
    for (let tokens = 0, token = lexer.advance(); token.kind !== TokenKind.EOF && tokens < limits.maxTokens; tokens++, token = lexer.advance()) {
      if (CLOSING.has(token.kind)) depth--;
      else if (OPENING.has(token.kind) && ++depth > limits.maxNesting) {
        return new GraphQLError(`Syntax Error: Document nests deeper than ${limits.maxNesting} levels.`, {
          source,
          positions: [token.start],
          extensions: { code: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED },
        });
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  return null;
}

/**
 * Refuses too-deep documents in front of Apollo Server. Apollo offers no hook
 * before its parse that can answer 400 (a plugin's throw there becomes a 500),
 * so the HTTP shell answers what Apollo answers for a parse failure.
 */
export function nestingGuard(limits: DocumentLimits): RequestHandler {
  return (req, res, next) => {
    const query: unknown = req.method === 'GET' ? req.query.query : req.body?.query;
    const error = typeof query === 'string' ? findExcessiveNesting(query, limits) : null;
    if (!error) return next();
    res.status(400).json({ errors: [error.toJSON()] });
  };
}
