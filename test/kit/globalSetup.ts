import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createTemplate, dropDatabase, dropStaleTestDatabases, SUBGRAPHS, templateName } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templates: Record<(typeof SUBGRAPHS)[number], string>;
  }
}

/**
 * Migrates one template database per subgraph for the whole run (migrations
 * take seconds; copying a template takes milliseconds) and drops them after.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  if (process.env.CI) await dropStaleTestDatabases();
  // TEST_SUBGRAPHS=notes,users narrows a local run to some subgraphs' templates; the full suite builds all.
  const wanted = process.env.TEST_SUBGRAPHS?.split(',') ?? SUBGRAPHS;
  const names = SUBGRAPHS.filter((name) => wanted.includes(name));
  await Promise.all(names.map((name) => createTemplate(name, runId)));
  project.provide('templates', Object.fromEntries(names.map((name) => [name, templateName(name, runId)])) as never);
  return async () => {
    await Promise.all(names.map((name) => dropDatabase(templateName(name, runId))));
  };
}
