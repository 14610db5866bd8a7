import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { get, type ClientRequest } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { graphql } from '../../test/kit/graphql.ts';
import { createGateway } from '../src/createGateway.ts';
import { startRouterOverSubgraph, type RouterOverSubgraph } from './fixtures/routerOverSubgraph.ts';

// @apollo/gateway's usage report (cloud metadata probes, then Apollo's
// endpoint) goes out through node:http, whose client requests Node announces
// on this channel; the router's own subgraph fetches go through undici.
const REQUEST_START = 'http.client.request.start';
const sdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { ping: String }
`;

let hosts: string[] = [];
/**
 * Records each request's host, and destroys those to anywhere but this
 * machine before they connect: with the report on, the gateway sends it to
 * Apollo as it stops, and a test run must not.
 */
const record = (message: unknown) => {
  const { request } = message as { request: ClientRequest };
  hosts.push(request.host);
  if (request.host !== '127.0.0.1') request.destroy(new Error('apolloTelemetry.test.ts: nothing leaves this machine'));
};
let running: RouterOverSubgraph | undefined;

afterEach(async () => {
  unsubscribe(REQUEST_START, record);
  await running?.stop();
  running = undefined;
  hosts = [];
});

/** A router over one subgraph, asked one query, and one node:http request of the test's own to it (which the channel must see). */
async function routerAnsweringOnce(env: NodeJS.ProcessEnv) {
  subscribe(REQUEST_START, record);
  running = await startRouterOverSubgraph(sdl, { Query: { ping: () => 'pong' } }, env);
  expect((await graphql(running.router.url, '{ ping }')).data).toEqual({ ping: 'pong' });
  await new Promise<void>((resolve, reject) => get(running!.router.url.replace(/\/graphql$/, '/health/live'), (response) => response.resume().on('end', resolve)).on('error', reject));
}

it('a router sends nothing to Apollo and probes no cloud metadata service by default', async () => {
  await routerAnsweringOnce({ APOLLO_TELEMETRY_DISABLED: undefined });
  await running!.stop();
  running = undefined;
  expect(hosts).toEqual(['127.0.0.1']);
});

it("APOLLO_TELEMETRY_DISABLED=false lets @apollo/gateway's usage report start", async () => {
  await routerAnsweringOnce({ APOLLO_TELEMETRY_DISABLED: 'false' });
  // The probes start as the gateway is constructed; the report itself waits an hour.
  expect(hosts.filter((host) => host !== '127.0.0.1')).toContain('169.254.169.254');
  expect(process.env.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
  // Stopping flushes the report: the one request to Apollo, destroyed by `record` before it connected.
  await running!.stop();
  running = undefined;
  expect(hosts).toContain('usage-reporting.api.apollographql.com');
});

it("puts the environment's APOLLO_TELEMETRY_DISABLED back when the gateway's constructor throws", () => {
  process.env.APOLLO_TELEMETRY_DISABLED = 'operator value';
  try {
    // The gateway asserts this option away in its constructor.
    expect(() => createGateway({ supergraphSdl: 'unused', queryPlannerConfig: { typeConditionedFetching: true } }, false)).toThrow(/Type conditions/);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('operator value');
  } finally {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
  }
});
