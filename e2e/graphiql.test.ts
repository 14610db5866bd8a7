import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@supergraph/common';
import { DEMO_PASSWORD } from '@supergraph/demo';
import { createInProcessEvents } from '../scripts/inProcessEvents.ts';
import { graphql } from '../test/kit/graphql.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { waitFor } from '../test/kit/waitFor.ts';

// A person exploring the graph: Debian's Chromium, driven by playwright-core,
// opens GraphiQL from the router and uses it. Nothing may leave 127.0.0.1.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = path.resolve(import.meta.dirname, '../test-output/graphiql');
let stack: TestStack;
let browser: Browser;
let page: Page;
let token: string;
const offHost: string[] = [];

/**
 * Replaces the text of the CodeMirror editor inside `selector`. GraphiQL
 * restores its tab state while it mounts, which can overwrite an early edit,
 * so the text is set again until it has stayed put for one polling interval.
 */
async function setEditor(selector: string, text: string) {
  await page.locator(`${selector} .CodeMirror`).first().waitFor();
  const editorValue = (set?: string) =>
    page.evaluate(
      ([sel, value]) => {
        const editor = (document.querySelector(`${sel} .CodeMirror`) as unknown as { CodeMirror: { getValue(): string; setValue(v: string): void } }).CodeMirror;
        const before = editor.getValue();
        if (value !== undefined && before !== value) editor.setValue(value);
        return before;
      },
      [selector, set] as const,
    );
  await waitFor(`the editor ${selector} to keep its text`, async () => (await editorValue(text)) === text, { intervalMs: 200 });
}

/** The whole result pane (CodeMirror only renders the lines in view). */
const responseText = () =>
  page.evaluate(() => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());

beforeAll(async () => {
  const events = createInProcessEvents(createLogger('events', 'silent'));
  stack = await startStack({ seed: true, events: { publisher: events.publisher }, runtime: { eventSource: events.eventSource } });
  const login = await graphql(stack.router.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', {
    i: { email: 'alice@example.com', password: DEMO_PASSWORD },
  });
  token = login.data!.logIn.token;
  await mkdir(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage();
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    offHost.push(route.request().url());
    return route.abort();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('GraphiQL served by the router', () => {
  it("runs the README's example query with a token from the headers editor", async () => {
    await page.goto(stack.router.url);
    await page.locator('.graphiql-container').waitFor();
    // GraphiQL has mounted once it shows its default operations.
    await waitFor('the default operations', async () => (await page.locator('.graphiql-query-editor').innerText()).includes('MyNotesAndOrders'));
    await setEditor('.graphiql-query-editor', await readFile(path.resolve(import.meta.dirname, '../docs/example-query.graphql'), 'utf8'));
    // The headers tab is open from the start; the variables editor beside it is hidden.
    await setEditor('.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({ Authorization: `Bearer ${token}` }));
    await page.locator('.graphiql-execute-button').click();
    await waitFor('the result', async () => (await responseText()).includes('alice@example.com')).catch(async (error: Error) => {
      await page.screenshot({ path: path.join(screenshots, 'query-failed.png') });
      throw new Error(`${error.message}; the result pane shows: ${await responseText()}`);
    });
    expect(await responseText()).toContain('priceCents');
    await page.screenshot({ path: path.join(screenshots, 'query.png') });
  });

  it('shows a noteCreated subscription event in the result pane', async () => {
    await setEditor('.graphiql-query-editor', 'subscription NewNotes { noteCreated { title author { email } } }');
    await page.locator('.graphiql-execute-button').click();
    await waitFor('the subscription', () => stack.router.subscriptions!.subscriberCount === 1);
    await stack.router.subscriptions!.ready();
    await graphql(stack.router.url, 'mutation { createNote(input: { title: "Seen in GraphiQL", content: "." }) { id } }', {}, { token });
    await waitFor('the event in the result pane', async () => (await responseText()).includes('Seen in GraphiQL'));
    await page.screenshot({ path: path.join(screenshots, 'subscription.png') });
  });

  it('sent no request beyond 127.0.0.1', () => {
    expect(offHost).toEqual([]);
  });

  it('answers a GraphQL GET with GraphQL, not the page', async () => {
    const response = await fetch(`${stack.router.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: expect.any(Object) } });
  });
});
