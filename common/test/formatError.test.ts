import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createFormatError } from '../src/formatError.ts';
import { createLogger } from '../src/logger.ts';

const format = createFormatError(createLogger('test', 'silent'));

describe('createFormatError', () => {
  it("keeps a coded error's code and message but drops the gateway's description of the subgraph's answer", () => {
    const upstream = {
      message: '401: Unauthorized',
      extensions: { code: 'UNAUTHENTICATED', response: { url: 'http://10.0.0.7:4001/graphql', status: 401, body: { errors: [] } } },
    };
    expect(format(upstream, new GraphQLError(upstream.message))).toEqual({ message: '401: Unauthorized', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('masks an uncoded error as INTERNAL_SERVER_ERROR', () => {
    expect(format({ message: 'relation "x" does not exist' }, new Error('relation "x" does not exist'))).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
