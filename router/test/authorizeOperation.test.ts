import { composeServices } from '@apollo/composition';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AccessRules, type Caller } from '../src/authorization/accessRules.ts';
import { authorizeOperation } from '../src/authorization/authorizeOperation.ts';
import { apiSchemaOf } from '../src/schemaWorkflow/apiSchemaOf.ts';
import { LinkedDirectives } from '../src/supergraph/linkedDirectives.ts';

// A graph of the test's own: the rules come from its directives, whatever the names.
const sdl = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])
interface Account { id: ID! secret: String }
type Person implements Account @key(fields: "id") {
  id: ID!
  nickname: String!
  phone: String @authenticated
  secret: String @requiresScopes(scopes: [["audit"], ["root", "write"]])
  friends: [Person!]!
}
type Vault implements Account @authenticated { id: ID! secret: String }
type Query { people: [Person!]! accounts: [Account!]! audit: String @requiresScopes(scopes: [["audit"]]) }
`;
const composed = composeServices([{ name: 'people', url: 'http://people', typeDefs: parse(sdl) }]);
if (composed.errors) throw composed.errors[0];
const linked = new LinkedDirectives(composed.supergraphSdl!);
const rules = new AccessRules(linked);
const schema = apiSchemaOf(composed.supergraphSdl!);

const anonymous: Caller = { authenticated: false, scopes: new Set() };
const member: Caller = { authenticated: true, scopes: new Set() };
const auditor: Caller = { authenticated: true, scopes: new Set(['audit']) };

const run = (query: string, caller: Caller, operationName?: string) => {
  const result = authorizeOperation(schema, rules, parse(query), operationName, caller);
  return {
    query: result.document && print(result.document).replace(/\s+/g, ' ').trim(),
    errors: result.errors.map((error) => [error.path?.join('.'), error.extensions.code]),
  };
};

describe('authorizeOperation', () => {
  it('leaves an operation that needs nothing untouched, as the same document', () => {
    const document = parse('{ people { id nickname } }');
    expect(authorizeOperation(schema, rules, document, undefined, anonymous).document).toBe(document);
  });

  it('removes a field that needs a signed-in caller, with UNAUTHENTICATED at its response path, and keeps the rest', () => {
    expect(run('{ people { nickname phone best: friends { phone nickname } } }', anonymous)).toEqual({
      query: '{ people { nickname best: friends { nickname } } }',
      errors: [
        ['people.phone', 'UNAUTHENTICATED'],
        ['people.best.phone', 'UNAUTHENTICATED'],
      ],
    });
    expect(run('{ people { nickname phone } }', member).errors).toEqual([]);
  });

  it('requires one full alternative of @requiresScopes: FORBIDDEN when signed in without it', () => {
    expect(run('{ people { secret } audit }', member).errors).toEqual([
      ['people.secret', 'FORBIDDEN'],
      ['audit', 'FORBIDDEN'],
    ]);
    expect(run('{ people { secret } audit }', auditor).errors).toEqual([]);
    expect(run('{ people { secret } }', { authenticated: true, scopes: new Set(['root']) }).errors).toEqual([['people.secret', 'FORBIDDEN']]);
    expect(run('{ people { secret } }', { authenticated: true, scopes: new Set(['root', 'write']) }).errors).toEqual([]);
  });

  it('removes a selection left empty, and answers null when no root field is left', () => {
    expect(run('{ people { phone } audit }', anonymous)).toEqual({
      query: null,
      errors: [
        ['people.phone', 'UNAUTHENTICATED'],
        ['audit', 'UNAUTHENTICATED'],
      ],
    });
  });

  it('checks an interface as composition declares it: what any implementation needs, the interface needs', () => {
    expect(run('{ accounts { id secret } }', member)).toEqual({ query: '{ accounts { id } }', errors: [['accounts.secret', 'FORBIDDEN']] });
    expect(run('{ accounts { id ... on Vault { secret } } }', member).errors).toEqual([]);
    expect(run('{ people { nickname } accounts { id } }', anonymous)).toEqual({
      query: '{ people { nickname } }',
      errors: [['accounts', 'UNAUTHENTICATED']],
    });
  });

  it('filters a named fragment once and reports it at every place it is spread, dropping fragments left empty', () => {
    const query = 'query Q { people { ...Contact friends { ...Contact ...Private } } } fragment Contact on Person { nickname phone } fragment Private on Person { phone }';
    expect(run(query, anonymous)).toEqual({
      query: 'query Q { people { ...Contact friends { ...Contact } } } fragment Contact on Person { nickname }',
      errors: [
        ['people.phone', 'UNAUTHENTICATED'],
        ['people.friends.phone', 'UNAUTHENTICATED'],
        ['people.friends.phone', 'UNAUTHENTICATED'],
      ],
    });
  });

  it('authorizes the operation named, among several', () => {
    const document = '{ people { nickname } } query Audit { audit }';
    expect(run(document.replace('{ people', 'query Open { people'), anonymous, 'Audit').errors).toEqual([['audit', 'UNAUTHENTICATED']]);
  });

  it('reports at most 50 refusals and sums up the rest, whatever the document', () => {
    const fields = Array.from({ length: 80 }, (_, i) => `p${i}: phone`).join(' ');
    const { errors } = run(`{ people { nickname ${fields} } }`, anonymous);
    expect(errors).toHaveLength(51);
    expect(errors.at(-1)).toEqual([undefined, 'UNAUTHENTICATED']);
  });
});
