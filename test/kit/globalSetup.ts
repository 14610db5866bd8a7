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
  const names = await Promise.all(SUBGRAPHS.map((name) => createTemplate(name, runId)));
  project.provide('templates', Object.fromEntries(SUBGRAPHS.map((name, i) => [name, names[i]!])) as never);
  return async () => {
    await Promise.all(SUBGRAPHS.map((name) => dropDatabase(templateName(name, runId))));
  };
}
