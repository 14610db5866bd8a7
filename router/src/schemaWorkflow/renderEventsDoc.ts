import { eventEnvelopeSchema, type PayloadJsonSchema } from '@supergraph/common';
import { z } from 'zod';
import { declaredEventFeeds, type DeclaredEventFeed } from './declaredEventFeeds.ts';
import type { EventProducer } from './loadEventContracts.ts';

/**
 * Rewrites the generated parts of the events page (docs/events.md): the
 * envelope table, from common's envelope schema, and the event types, from
 * the producers' contracts and the supergraph's `@fromEvents` fields. Each
 * part sits between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`;
 * the prose around them is written by hand and kept as it is, so the page
 * can explain with examples what this module must not know.
 */
export function renderEventsDoc(page: string, producers: EventProducer[], supergraphSdl: string): string {
  const feeds = declaredEventFeeds(supergraphSdl);
  return replaceGenerated(replaceGenerated(page, 'envelope', envelopeTable()), 'types', typesSection(producers, feeds));
}

function replaceGenerated(page: string, name: string, content: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`The events page has no "${start}" ... "${end}" section to generate into.`);
  return `${page.slice(0, from + start.length)}\n${content}\n${page.slice(to)}`;
}

function envelopeTable(): string {
  const { properties = {} } = z.toJSONSchema(eventEnvelopeSchema);
  const rows = Object.entries(properties).map(([field, schema]) => `| \`${field}\` | ${cell(typeof schema === 'object' ? schema.description : '')} |`);
  return ['| field | meaning |', '|---|---|', ...rows].join('\n');
}

function typesSection(producers: EventProducer[], feeds: DeclaredEventFeed[]): string {
  const declared = producers.flatMap(({ subgraph, contracts }) => contracts.map((contract) => ({ subgraph, contract })));
  const fedBy = (type: string) => feeds.filter((feed) => feed.types.includes(type)).map((feed) => `\`${signature(feed)}\``).join(', ') || '—';
  const summary = [
    '| type | producer | aggregate | feeds |',
    '|---|---|---|---|',
    ...declared.map(({ subgraph, contract }) => `| [\`${contract.type}\`](#${anchor(contract.type)}) | ${subgraph} | \`${contract.aggregateType}\` | ${fedBy(contract.type)} |`),
  ].join('\n');
  const sections = declared.map(({ subgraph, contract }) =>
    [
      `### \`${contract.type}\``,
      '',
      contract.description,
      '',
      `- producer: ${subgraph}`,
      `- aggregate: \`${contract.aggregateType}\``,
      `- feeds: ${fedBy(contract.type)}`,
      '',
      '| `data` field | type | meaning |',
      '|---|---|---|',
      ...payloadRows(contract.payloadJsonSchema()),
    ].join('\n'),
  );
  return [summary, ...sections].join('\n\n');
}

/** `field(arg, ...)`, as the old hand-written table named subscriptions. */
function signature(feed: DeclaredEventFeed): string {
  const args = feed.field.args.map((arg) => arg.name);
  return args.length ? `${feed.field.name}(${args.join(', ')})` : feed.field.name;
}

/** One row per field, nested object fields as `parent.child` and fields of listed objects as `list[].child`. */
function payloadRows(schema: PayloadJsonSchema, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    if (typeof property !== 'object') return [];
    const field = `${prefix}${name}`;
    const type = `${typeName(property)}${required.has(name) ? '' : ', optional'}`;
    const row = `| \`${field}\` | ${cell(type)} | ${cell(property.description)} |`;
    const items = typeof property.items === 'object' && !Array.isArray(property.items) ? property.items : undefined;
    if (property.properties) return [row, ...payloadRows(property, `${field}.`)];
    if (items?.properties) return [row, ...payloadRows(items, `${field}[].`)];
    return [row];
  });
}

function typeName(schema: PayloadJsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((branch) => (typeof branch === 'object' ? typeName(branch) : 'any')).join(' | ');
  if (schema.type === 'array') {
    const items = typeof schema.items === 'object' && !Array.isArray(schema.items) ? typeName(schema.items) : 'any';
    return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
  }
  // A format says more than its type: `uuid`, `date-time`, `email`.
  if (schema.format) return schema.format;
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
}

/** Table cells cannot hold pipes or line breaks. */
function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** GitHub's heading anchor for a heading that is the type in backticks. */
function anchor(type: string): string {
  return type.replaceAll('.', '');
}
