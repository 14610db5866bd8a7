import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '@supergraph/demo';
import { composeSupergraph, loadSupergraphConfig, type SubgraphEntry } from '@supergraph/router';
import { publishSupergraph } from '../router/src/schemaWorkflow/publishSupergraph.ts';
import { repo, runCli } from '../router/test/cliProcess.ts';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { startSubgraphForTest, type StartedSubgraph } from '../test/kit/subgraphs.ts';
import { tokenFor } from '../test/kit/tokens.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// The webhooks subgraph joins a running router the way any team's would:
// its entry in the subgraph list, `check`, then `publish`; the router
// follows the published file and serves it without a restart.
const [alice] = demoUsers;
let stack: TestStack;
let webhooks: StartedSubgraph<'webhooks'>;
let dir: string;
let published: string;
let entries: SubgraphEntry[];

const entry = ({ name, url, schemaFile, eventsFile }: SubgraphEntry) =>
  `  ${name}:\n    routing_url: ${url}\n    schema:\n      file: ${schemaFile}${eventsFile ? `\n    events:\n      file: ${eventsFile}` : ''}`;
const writeConfig = (file: string, listed: SubgraphEntry[]) => writeFile(file, `federation_version: =2.9.0\nsubgraphs:\n${listed.map(entry).join('\n')}\n`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'webhooks-join-'));
  published = path.join(dir, 'published/supergraph.graphql');
  entries = await loadSupergraphConfig(path.join(repo, 'supergraph.yaml'));
  const before = entries.filter(({ name }) => name !== 'webhooks');
  await publishSupergraph({ out: published, supergraphSdl: (await composeSupergraph(before)).supergraphSdl, subgraphSdls: {} });
  [stack, webhooks] = await Promise.all([
    startStack({ seed: true, bring: ['webhooks'], routerEnv: { SUPERGRAPH_FILE: published } }),
    startSubgraphForTest('webhooks', { env: { WEBHOOKS_WORKER: 'false' } }),
  ]);
});
afterAll(async () => {
  await stack?.stop();
  await webhooks?.stop();
});

describe('the webhooks subgraph joining a running router', () => {
  it('is served after `check` and `publish`, its fields reachable from User, with no router restart', async () => {
    const token = await tokenFor(alice!.id);
    const before = await graphql(stack.router.url, '{ webhookEndpoints { totalCount } }', {}, { token });
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const config = path.join(dir, 'supergraph.yaml');
    await writeConfig(config, entries.map((listed) => (listed.name === 'webhooks' ? { ...listed, url: webhooks.url } : listed)));
    const check = await runCli(['check', 'webhooks', '--config', config, '--published', published, '--operations', path.join(repo, 'operations')]);
    expect(check.code, check.stderr).toBe(0);
    const reloads = stack.router.reloads.applied;
    const publish = await runCli(['publish', 'webhooks', '--config', config, '--out', published, '--operations', path.join(repo, 'operations')]);
    expect(publish.code, publish.stderr).toBe(0);
    await waitFor('the router to load the published supergraph', () => stack.router.reloads.applied > reloads, { timeoutMs: 15_000 });

    const created = await graphql(
      stack.router.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id owner { name } } } }',
      { input: { url: 'https://93.184.215.14/hooks', eventTypes: ['note.created'] } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createWebhookEndpoint.endpoint.owner.name).toBe(alice!.name);
    const mine = await graphql(stack.router.url, '{ me { name webhookEndpoints { totalCount edges { node { url } } } } }', {}, { token });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.me.webhookEndpoints).toEqual({ totalCount: 1, edges: [{ node: { url: 'https://93.184.215.14/hooks' } }] });
  });
});
