import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { execute, parse, validate, type DocumentNode, type GraphQLError } from 'graphql';
import { resolvers as accounts } from './accounts.ts';
import { resolvers as inventory } from './inventory.ts';
import { resolvers as products } from './products.ts';
import { resolvers as reviews } from './reviews.ts';

/**
 * One fixture subgraph of the router benchmark, named by FIXTURE_SUBGRAPH, on
 * PORT: `POST /graphql` executes, `GET /health` answers 200 and `GET /count`
 * answers `{"fetches": n}`, the GraphQL requests received so far, which the
 * benchmark reads before and after a load to count fetches per query.
 *
 * As little as possible besides execution, so the gateway in front is what a
 * run measures: node:http, no framework, no checks on the caller, each
 * distinct document parsed and validated once.
 */
const fixtures = { accounts, products, reviews, inventory } as const;
type FixtureName = keyof typeof fixtures;

const name = process.env.FIXTURE_SUBGRAPH as FixtureName;
if (!Object.hasOwn(fixtures, name)) throw new TypeError(`FIXTURE_SUBGRAPH must be one of ${Object.keys(fixtures).join(', ')}; got ${JSON.stringify(name)}`);
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new TypeError(`PORT must be a port number; got ${JSON.stringify(process.env.PORT)}`);

const schema = buildSubgraphSchema({
  typeDefs: parse(readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8')),
  resolvers: fixtures[name] as GraphQLResolverMap<unknown>,
});

// A gateway sends a handful of distinct documents (its query plan's fetches), so this stays small.
const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
const MAX_DOCUMENTS = 1000;

function prepare(query: string): DocumentNode | readonly GraphQLError[] {
  let prepared = documents.get(query);
  if (!prepared) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      prepared = errors.length ? errors : document;
    } catch (error) {
      prepared = [error as GraphQLError];
    }
    if (documents.size >= MAX_DOCUMENTS) documents.clear();
    documents.set(query, prepared);
  }
  return prepared;
}

async function answer(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const prepared = prepare(query);
  if (Array.isArray(prepared)) return { errors: prepared };
  return execute({ schema, document: prepared as DocumentNode, variableValues: variables, operationName });
}

let fetches = 0;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/graphql') {
    fetches++;
    answer(req).then(
      (result) => send(res, 200, result),
      (error: Error) => send(res, 400, { errors: [{ message: error.message }] }),
    );
  } else if (req.method === 'GET' && req.url === '/count') send(res, 200, { fetches });
  else if (req.method === 'GET' && req.url === '/health') send(res, 200, { status: 'ok' });
  else send(res, 404, { errors: [{ message: `${req.method} ${req.url} is not served here` }] });
}).listen(port, '127.0.0.1');
