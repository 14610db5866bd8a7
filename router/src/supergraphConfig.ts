import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const supergraphConfigSchema = z.object({
  federation_version: z.string().optional(),
  subgraphs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'subgraph names are lower-case identifiers'),
      z.object({
        routing_url: z.string().url(),
        schema: z.object({ file: z.string() }),
        // Ours, not rover's: rover ignores keys it does not know. The module
        // exports `events`, the subgraph's event contracts (common's defineEvent).
        events: z.object({ file: z.string().min(1) }).optional(),
      }),
    )
    .refine((subgraphs) => Object.keys(subgraphs).length > 0, 'at least one subgraph is required'),
});

export interface SubgraphEntry {
  name: string;
  url: string;
  /** Absolute path of the subgraph's SDL. */
  schemaFile: string;
  /** Absolute path of the module exporting the subgraph's event contracts, when it publishes events. */
  eventsFile?: string;
}

/** Reads rover's `supergraph.yaml`; schema and events paths are relative to the file itself. */
export async function loadSupergraphConfig(file: string, routingUrls: Record<string, string> = {}): Promise<SubgraphEntry[]> {
  const parsed = supergraphConfigSchema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`${file} is not a valid supergraph config:\n${problems}`);
  }
  return Object.entries(parsed.data.subgraphs).map(([name, entry]) => ({
    name,
    url: routingUrls[name] ?? entry.routing_url,
    schemaFile: path.resolve(path.dirname(file), entry.schema.file),
    ...(entry.events && { eventsFile: path.resolve(path.dirname(file), entry.events.file) }),
  }));
}
