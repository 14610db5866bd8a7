import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import config from '../codegen.ts';

// Regenerates the codegen outputs and fails if any differed from what was
// committed: generated code is never edited by hand and never stale.
const root = path.resolve(import.meta.dirname, '..');
const apiSchema = path.join(root, 'examples/src/__generated__/api-schema.graphql');
const eventTypes = path.join(root, 'subgraphs/webhooks/src/__generated__/eventTypes.ts');
const targets = [apiSchema, eventTypes, ...Object.keys(config.generates).map((file) => path.join(root, file))];
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const before = targets.map(read);
for (const script of ['scripts/write-api-schema.ts', 'scripts/write-event-types.ts']) {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, script)], { cwd: root, stdio: 'inherit' });
}
execFileSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--silent'], {
  cwd: root,
  stdio: 'inherit',
});
const stale = targets.filter((file, i) => read(file) !== before[i]);
if (stale.length) {
  console.error(`Generated files were stale and have been regenerated; commit them:\n${stale.map((f) => `  ${path.relative(root, f)}`).join('\n')}`);
  process.exit(1);
}
console.log(`codegen: ${targets.length} generated files are up to date`);
