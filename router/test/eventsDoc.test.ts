import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, loadSupergraphConfig } from '../src/index.ts';
import { EVENTS_DOC_COMMAND, generateEventsDoc, loadEventContracts, renderEventsDoc } from '../src/schemaWorkflow/index.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const shelf = path.resolve(import.meta.dirname, 'fixtures/shelf');

const page = (types = '') => `# Events\n\nProse.\n\n<!-- generated:envelope -->\n<!-- /generated:envelope -->\n\nMore prose.\n\n<!-- generated:types -->\n${types}<!-- /generated:types -->\n`;

async function renderShelf(template: string): Promise<string> {
  const subgraph = { name: 'shelf', url: 'http://127.0.0.1:1/graphql', schemaFile: path.join(shelf, 'schema.graphql'), eventsFile: path.join(shelf, 'events.ts') };
  const [{ supergraphSdl }, producers] = await Promise.all([composeSupergraph([subgraph]), loadEventContracts([subgraph])]);
  return renderEventsDoc(template, producers, supergraphSdl);
}

describe('the event catalogue, docs/events.md', () => {
  it(`is what ${EVENTS_DOC_COMMAND} generates from the contracts and the subscriptions`, async () => {
    const { current, generated } = await generateEventsDoc(await loadSupergraphConfig(path.join(repo, 'supergraph.yaml')), path.join(repo, 'docs/events.md'));
    expect(current, `docs/events.md is out of date; run ${EVENTS_DOC_COMMAND} and commit the result`).toBe(generated);
  });
});

describe('renderEventsDoc', () => {
  it('documents each type with its producer, aggregate, description, payload fields and the subscriptions it feeds', async () => {
    const doc = await renderShelf(page());
    expect(doc).toContain(
      [
        '| type | producer | aggregate | feeds |',
        '|---|---|---|---|',
        '| [`item.added`](#itemadded) | shelf | `Item` | `itemAdded(ownerId)` |',
        '| [`item.removed`](#itemremoved) | shelf | `Item` | `itemRemoved(id)` |',
      ].join('\n'),
    );
    expect(doc).toContain(
      [
        '### `item.removed`',
        '',
        'An item was taken off the shelf.',
        '',
        '- producer: shelf',
        '- aggregate: `Item`',
        '- feeds: `itemRemoved(id)`',
        '',
        '| `data` field | type | meaning |',
        '|---|---|---|',
        '| `itemId` | string |  |',
        '| `owner` | object \\| null |  |',
      ].join('\n'),
    );
    expect(doc).toContain('| `owner.id` | string | who owns the shelf |');
  });

  it('writes the envelope table from the envelope schema', async () => {
    const doc = await renderShelf(page());
    expect(doc).toContain('| field | meaning |\n|---|---|\n| `id` | UUID of the event; consumers drop duplicates by it |');
    expect(doc).toContain('| `data` | the type\'s payload, declared by its producer |');
  });

  it('keeps the prose and replaces what a previous run generated', async () => {
    const once = await renderShelf(page('| stale | table |\n'));
    expect(once).not.toContain('stale');
    expect(once.startsWith('# Events\n\nProse.\n\n<!-- generated:envelope -->\n')).toBe(true);
    expect(once).toContain('<!-- /generated:envelope -->\n\nMore prose.\n\n<!-- generated:types -->\n');
    expect(await renderShelf(once)).toBe(once);
  });

  it('refuses a page without a generated section, naming the marker', async () => {
    await expect(renderShelf('# Events\n')).rejects.toThrow('The events page has no "<!-- generated:envelope -->" ... "<!-- /generated:envelope -->" section to generate into.');
  });
});
