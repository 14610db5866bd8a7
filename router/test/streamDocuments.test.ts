import { buildSchema, specifiedRules, type ValidationRule } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createStreamDocuments } from '../src/subscriptions/streamDocuments.ts';

// What a reconnect storm costs: each stream document is read once per API schema, not once per client.
const schema = buildSchema('type Query { a: Int } type Subscription { ticked: Int }');
const reloaded = buildSchema('type Query { a: Int } type Subscription { renamed: Int }');

function documents() {
  let validations = 0;
  // A rule that counts the validations it takes part in.
  const counting: ValidationRule = () => (validations++, {});
  const streamDocuments = createStreamDocuments({ limits: { maxTokens: 1_000, maxNesting: 10 }, parseOptions: { maxTokens: 1_000 }, rules: [...specifiedRules, counting] });
  return { streamDocuments, validations: () => validations };
}

describe('stream documents', () => {
  it('parses and validates a document once for any number of requests with its text, and again for a new schema', () => {
    const { streamDocuments, validations } = documents();
    const query = 'subscription { ticked }';
    const first = streamDocuments.of(schema, query);
    if ('errors' in first) throw new Error('refused');
    for (let i = 0; i < 100; i++) {
      const again = streamDocuments.of(schema, query);
      expect(again).toBe(first);
      expect(streamDocuments.validationOf(schema, first)).toEqual([]);
    }
    expect(validations()).toBe(1);

    // After a reload the document is read and validated against the new schema.
    const afterReload = streamDocuments.of(reloaded, query);
    if ('errors' in afterReload) throw new Error('refused');
    expect(afterReload.document).not.toBe(first.document);
    expect(streamDocuments.validationOf(reloaded, afterReload).map((error) => error.message)).toEqual(['Cannot query field "ticked" on type "Subscription".']);
    expect(validations()).toBe(2);
  });

  // Found by hostile testing: documents were kept per schema for as long as the schema lived, and every subscription
  // started before a reload holds its schema: each reload left a cache nobody reads.
  it('keeps the documents of the schema served now only', () => {
    const { streamDocuments } = documents();
    const query = 'subscription { ticked }';
    const first = streamDocuments.of(schema, query);
    streamDocuments.of(reloaded, query);
    expect(streamDocuments.of(schema, query)).not.toBe(first);
  });

  it('refuses a document that does not parse with GRAPHQL_PARSE_FAILED, and one nested too deep before parsing it', () => {
    const { streamDocuments } = documents();
    expect(streamDocuments.of(schema, 'subscription {')).toMatchObject({ errors: [{ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
    const deep = `subscription ${'{ a '.repeat(50)}${'}'.repeat(50)}`;
    const refused = streamDocuments.of(schema, deep);
    expect('errors' in refused && refused.errors[0]!.message).toMatch(/nest/i);
  });

  it('keeps at most a thousand documents per schema', () => {
    const { streamDocuments, validations } = documents();
    const first = streamDocuments.of(schema, 'subscription S0 { ticked }');
    for (let i = 1; i <= 1_000; i++) streamDocuments.of(schema, `subscription S${i} { ticked }`);
    // The first was the least recently used: read again.
    expect(streamDocuments.of(schema, 'subscription S0 { ticked }')).not.toBe(first);
    expect(validations()).toBe(0);
  });
});
