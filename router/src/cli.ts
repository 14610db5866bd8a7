/**
 * `npm run supergraph -- <command>`: the offline schema workflow for
 * subgraph teams. This file only wires arguments, output and exit codes;
 * the work is in `schemaWorkflow/`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { composeSupergraph, CompositionError } from './composeSupergraph.ts';
import { routerConfigSchema } from './config.ts';
import {
  checkSubgraph,
  EVENTS_DOC_COMMAND,
  formatCheckReport,
  generateEventsDoc,
  formatOperationCosts,
  loadKnownOperations,
  operationCosts,
  publishSupergraph,
  publishedLayout,
  writeFileAtomically,
  type CheckResult,
} from './schemaWorkflow/index.ts';
import { loadSupergraphConfig } from './supergraphConfig.ts';

const USAGE = `Usage: npm run supergraph -- <command> [options]

Commands:
  compose            Compose the subgraph schema files into a supergraph SDL.
  check <subgraph>   Show what a subgraph schema change does to clients.
  publish <subgraph> Check, then publish the composed supergraph for the router.
  cost <file>...     Estimate what operations cost and whether the router runs them.
  events             Write the event catalogue (docs/events.md) from the producers' contracts.

Run "npm run supergraph -- <command> --help" for a command's options.
Exit codes: 0 success, 1 composition failed, a known operation or a
subscription's events break, an operation is over the cost limit, or the
event catalogue is out of date (events --check); 2 bad usage.`;

const CONFIG_HELP = `  --config <file>      The rover-style subgraph list. Every default path below is
                       relative to its folder. (default: ./supergraph.yaml)`;

const CHECK_OPTIONS_HELP = `  --schema <file>      The proposed SDL for <subgraph>. (default: its schema file
                       on disk, as listed in the config)
  --operations <path>  A file or folder of known client operations; repeatable.
                       Folders are searched recursively for *.graphql documents
                       and *.json persisted operation lists ({ "<hash>": "<query>" }).
                       (default: operations/, examples/operations/ and docs/example-query.graphql)`;

const HELP: Record<string, string> = {
  compose: `Usage: npm run supergraph -- compose [--config <file>] [--out <file>]

Composes the schema files listed in the config, prints composition hints, and
writes the supergraph SDL. Errors name the subgraph and file:line:column.

Options:
${CONFIG_HELP}
  --out <file>         Where to write the supergraph SDL. (default: supergraph.graphql)
  --help`,
  check: `Usage: npm run supergraph -- check <subgraph> [--schema <file>] [--json] [options]

Composes the supergraph with the proposed SDL for <subgraph>; every other
subgraph contributes what it last published (published/subgraphs/<name>.graphql),
or its schema file on disk if it never published. The result is compared with
the baseline: the published supergraph if there is one, otherwise the
composition of the schema files on disk.

The API schemas (what clients see) are diffed and every change is classified:
  breaking, used    a known operation validated before and no longer does
  breaking, unused  breaking, but no known operation is affected
  dangerous         may change behaviour for clients (e.g. a new enum value)
  safe              additive or cosmetic
Every Subscription field with @fromEvents is checked against the event
contracts of every subgraph (the config's events.file, as on disk): each type
it names must be declared, and each data.<path> its match and payload entries
read must be in that type's payload. A finding is breaking: the subscription
could not be fed.
Exits 1 when the proposal does not compose, a known operation breaks, or a
subscription's events break.

Options:
${CONFIG_HELP}
${CHECK_OPTIONS_HELP}
  --published <file>   The published supergraph, the baseline. (default: published/supergraph.graphql)
  --json               Print the report as JSON for CI.
  --help`,
  publish: `Usage: npm run supergraph -- publish <subgraph> [--schema <file>] [--out <file>] [options]

Runs check; when it fails, exits 1 and writes nothing. Otherwise publishes:
  <out>.previous                    the supergraph being replaced, for rollback
  <dir of out>/subgraphs/*.graphql  every subgraph's SDL that composed into
                                    <out>; later checks compose with these
  <out>                             the new supergraph, written last
Every file is written to a temporary file in the same folder and renamed into
place, so the router watching <out> only ever sees a complete supergraph.
The subgraph's own schema file in the repository is never modified.

Options:
${CONFIG_HELP}
${CHECK_OPTIONS_HELP}
  --out <file>         The published supergraph. (default: published/supergraph.graphql)
  --json               Print the check report as JSON.
  --help`,
  cost: `Usage: npm run supergraph -- cost <file>... [--config <file> | --published <file>]

Estimates the cost of every operation in the given .graphql documents (several
operations may share a document's fragments; folders are searched for *.graphql
and persisted operation lists *.json) as the router does before running one:
from the supergraph's @cost and @listSize. Prints each operation with its
estimate and whether it is within the limit. A variable counts as not given: a
slicing argument then takes its default, else @listSize's assumedSize, else the
default list size. The router counts only what the caller may read; this
counts every field.
Exits 1 when an operation is over the limit, does not validate, or the
supergraph does not compose.

The limit and the default list size are the router's settings, read from the
environment: COST_LIMIT (default 10000) and COST_DEFAULT_LIST_SIZE (default 100).

Options:
${CONFIG_HELP}
  --published <file>   Cost against this published supergraph instead of
                       composing the config's schema files.
  --help`,
  events: `Usage: npm run supergraph -- events [--config <file>] [--out <file>] [--check]

Rewrites the generated sections of the event catalogue: the envelope table,
from common's envelope schema, and one entry per event type, from the
producers' contracts (each subgraph's events.file in the config) with the
Subscription fields it feeds (their @fromEvents in the supergraph composed
from the schema files). Prose outside the generated sections is kept.
${EVENTS_DOC_COMMAND} runs this.

Options:
${CONFIG_HELP}
  --out <file>         The catalogue. (default: docs/events.md)
  --check              Write nothing; exit 1 when the catalogue is out of date.
  --help`,
};

const commonOptions = {
  config: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const checkOptions = {
  ...commonOptions,
  schema: { type: 'string' },
  operations: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!(command in HELP)) throw new UsageError(`Unknown command "${command}".`);
  if (rest.includes('--help')) {
    console.log(HELP[command]);
    return 0;
  }
  if (command === 'compose') return compose(rest);
  if (command === 'cost') return cost(rest);
  if (command === 'events') return events(rest);
  return command === 'check' ? check(rest) : publish(rest);
}

async function compose(args: string[]): Promise<number> {
  const { values } = parse(args, { ...commonOptions, out: { type: 'string' } }, false);
  const config = configFile(values.config);
  const out = values.out ? path.resolve(values.out) : path.join(path.dirname(config), 'supergraph.graphql');
  const composition = await composeSupergraph(await loadSupergraphConfig(config));
  printHints(composition.hints);
  await writeFileAtomically(out, composition.supergraphSdl);
  console.log(`Wrote ${out}`);
  return 0;
}

async function check(args: string[]): Promise<number> {
  const { values, subgraph } = parseCheck(args, { published: { type: 'string' } });
  const result = await runCheck(subgraph, values, values.published);
  printCheck(result, values.json);
  return result.report.ok ? 0 : 1;
}

async function publish(args: string[]): Promise<number> {
  const { values, subgraph } = parseCheck(args, { out: { type: 'string' } });
  const result = await runCheck(subgraph, values, values.out);
  printCheck(result, values.json);
  if (!result.report.ok) {
    console.error('Nothing was published.');
    return 1;
  }
  const out = publishedFile(values.config, values.out);
  await publishSupergraph({ out, supergraphSdl: result.proposedSupergraphSdl, subgraphSdls: result.proposedSubgraphSdls });
  // stderr, so that `--json` output on stdout stays one JSON document.
  console.error(`Published ${out} (previous kept at ${publishedLayout(out).previous} when there was one).`);
  return 0;
}

async function cost(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...commonOptions, published: { type: 'string' } }, true);
  if (!positionals.length) throw new UsageError('Expected at least one <file> of operations.');
  const limits = {
    limit: routerConfigSchema.shape.COST_LIMIT.parse(process.env.COST_LIMIT),
    defaultListSize: routerConfigSchema.shape.COST_DEFAULT_LIST_SIZE.parse(process.env.COST_DEFAULT_LIST_SIZE),
  };
  const operations = await loadKnownOperations(positionals);
  if (!operations.length) throw new UsageError(`No operations found in ${positionals.join(', ')}.`);
  let supergraphSdl: string;
  if (values.published) supergraphSdl = await readFile(path.resolve(values.published), 'utf8');
  else {
    const composition = await composeSupergraph(await loadSupergraphConfig(configFile(values.config)));
    printHints(composition.hints);
    supergraphSdl = composition.supergraphSdl;
  }
  const costs = operationCosts(supergraphSdl, operations, limits);
  console.log(`Against ${values.published ? path.resolve(values.published) : `the supergraph composed from ${configFile(values.config)}`}.`);
  console.log(formatOperationCosts(costs, limits));
  return costs.every((operation) => operation.ok) ? 0 : 1;
}

async function events(args: string[]): Promise<number> {
  const { values } = parse(args, { ...commonOptions, out: { type: 'string' }, check: { type: 'boolean' } }, false);
  const config = configFile(values.config);
  const out = values.out ? path.resolve(values.out) : path.join(path.dirname(config), 'docs', 'events.md');
  const { current, generated } = await generateEventsDoc(await loadSupergraphConfig(config), out);
  if (values.check) {
    if (generated === current) return 0;
    console.error(`${out} is out of date with the event contracts or the subscriptions; run ${EVENTS_DOC_COMMAND}.`);
    return 1;
  }
  if (generated !== current) await writeFileAtomically(out, generated);
  console.log(generated === current ? `${out} is up to date.` : `Wrote ${out}`);
  return 0;
}

type CheckValues = { config?: string; schema?: string; operations?: string[]; json?: boolean };

async function runCheck(subgraph: string, values: CheckValues, published: string | undefined): Promise<CheckResult> {
  const config = configFile(values.config);
  const root = path.dirname(config);
  return checkSubgraph({
    subgraphs: await loadSupergraphConfig(config),
    subgraph,
    schemaFile: values.schema,
    published: publishedFile(values.config, published),
    operations: values.operations?.map((entry) => path.resolve(entry)) ?? [path.join(root, 'operations'), path.join(root, 'examples/operations'), path.join(root, 'docs/example-query.graphql')],
  });
}

function printCheck(result: CheckResult, json: boolean | undefined) {
  printHints(result.hints);
  if (json) console.log(JSON.stringify({ baseline: result.baseline, ...result.report }, null, 2));
  else console.log(`Compared with ${result.baseline}.\n${formatCheckReport(result.report)}`);
}

function printHints(hints: string[]) {
  for (const hint of hints) console.error(`hint: ${hint}`);
}

function parseCheck<Extra extends ParseArgsConfig['options']>(args: string[], extra: Extra) {
  const { values, positionals } = parse(args, { ...checkOptions, ...extra }, true);
  const [subgraph, ...more] = positionals;
  if (!subgraph || more.length) throw new UsageError('Expected exactly one <subgraph> name.');
  return { values: values as CheckValues & { published?: string; out?: string }, subgraph };
}

function parse<Options extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: Options, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function configFile(config: string | undefined): string {
  return path.resolve(config ?? 'supergraph.yaml');
}

function publishedFile(config: string | undefined, file: string | undefined): string {
  return file ? path.resolve(file) : path.join(path.dirname(configFile(config)), 'published', 'supergraph.graphql');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof CompositionError) {
      console.error(error.message);
      process.exitCode = 1;
    } else {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  },
);
