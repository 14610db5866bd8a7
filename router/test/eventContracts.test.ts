import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSupergraphConfig } from '../src/index.ts';
import { checkSubgraph, formatCheckReport, loadEventContracts } from '../src/schemaWorkflow/index.ts';

const shelf = path.resolve(import.meta.dirname, 'fixtures/shelf');

/** A supergraph.yaml in a temp folder listing the shelf subgraph, its events from `eventsModule`. */
async function shelfConfig(eventsModule: string | null): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'event-contracts-'));
  const events = eventsModule ? `\n    events:\n      file: ${path.join(shelf, eventsModule)}` : '';
  const config = path.join(dir, 'supergraph.yaml');
  await writeFile(config, `subgraphs:\n  shelf:\n    routing_url: http://127.0.0.1:1/graphql\n    schema:\n      file: ${path.join(shelf, 'schema.graphql')}${events}\n`);
  return { dir, config };
}

async function checkShelf(eventsModule: string | null) {
  const { dir, config } = await shelfConfig(eventsModule);
  const subgraphs = await loadSupergraphConfig(config);
  return checkSubgraph({ subgraphs, subgraph: 'shelf', published: path.join(dir, 'published/supergraph.graphql'), operations: [] });
}

describe('check: subscriptions against the event contracts', () => {
  it('passes when every type a subscription names is declared and carries every path it reads', async () => {
    const { report } = await checkShelf('events.ts');
    expect(report).toMatchObject({ ok: true, breaking: { eventFeeds: [] } });
  });

  it('fails, naming the field, the type and the path, when a proposal removes a payload field that a filter and a payload read', async () => {
    const { report } = await checkShelf('eventsWithoutOwner.ts');
    expect(report.ok).toBe(false);
    expect(report.breaking.eventFeeds).toEqual([
      {
        type: 'EVENT_PAYLOAD_PATH_MISSING',
        path: 'Subscription.itemAdded',
        eventType: 'item.added',
        eventPath: 'data.owner.id',
        message: 'Subscription.itemAdded reads data.owner.id (match "ownerId=data.owner.id"), which the payload of item.added (shelf) does not declare',
      },
      {
        type: 'EVENT_PAYLOAD_PATH_MISSING',
        path: 'Subscription.itemRemoved',
        eventType: 'item.removed',
        eventPath: 'data.owner.id',
        message: 'Subscription.itemRemoved reads data.owner.id (payload "ownerId=data.owner.id"), which the payload of item.removed (shelf) does not declare',
      },
    ]);
    const output = formatCheckReport(report);
    expect(output).toContain(
      'Breaking: subscriptions their events cannot feed (2)\n' +
        '  - Subscription.itemAdded reads data.owner.id (match "ownerId=data.owner.id"), which the payload of item.added (shelf) does not declare [Subscription.itemAdded]',
    );
    expect(output).toMatch(/FAILED: 2 subscriptions cannot be fed by their events\.$/);
  });

  it('fails for every subscription whose event types no producer declares', async () => {
    const { report } = await checkShelf(null);
    expect(report.breaking.eventFeeds.map(({ type, path, eventType }) => ({ type, path, eventType }))).toEqual([
      { type: 'EVENT_TYPE_UNDECLARED', path: 'Subscription.itemAdded', eventType: 'item.added' },
      { type: 'EVENT_TYPE_UNDECLARED', path: 'Subscription.itemRemoved', eventType: 'item.removed' },
    ]);
    expect(report.ok).toBe(false);
  });
});

describe('loadEventContracts', () => {
  const entry = (name: string, eventsFile: string) => ({ name, url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(shelf, 'schema.graphql'), eventsFile });

  it("returns each subgraph's contracts from its events module", async () => {
    const [producer] = await loadEventContracts([entry('shelf', path.join(shelf, 'events.ts'))]);
    expect(producer!.contracts.map((contract) => contract.type)).toEqual(['item.added', 'item.removed']);
  });

  it('refuses two producers of one type, naming both', async () => {
    const twice = loadEventContracts([entry('shelf', path.join(shelf, 'events.ts')), entry('copy', path.join(shelf, 'eventsWithoutOwner.ts'))]);
    await expect(twice).rejects.toThrow(`Event type item.added is declared twice: by shelf (${path.join(shelf, 'events.ts')}) and by copy (${path.join(shelf, 'eventsWithoutOwner.ts')}). A type has one producer.`);
  });

  it('refuses a module that exports no list of contracts, naming the subgraph and the file', async () => {
    const noEvents = path.join(import.meta.dirname, 'cliProcess.ts'); // a module, but not an events module
    await expect(loadEventContracts([entry('shelf', noEvents)])).rejects.toThrow(
      `shelf: ${noEvents} must export \`events\`, an array of contracts from defineEvent(); got undefined.`,
    );
  });

  it('refuses a module that cannot be loaded, naming the subgraph and the file', async () => {
    const missing = path.join(shelf, 'missing.ts');
    await expect(loadEventContracts([entry('shelf', missing)])).rejects.toThrow(`shelf: cannot load its event contracts from ${missing}: `);
  });
});
