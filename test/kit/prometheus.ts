/** One sample of a Prometheus text exposition: its metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a `/metrics` answer (comments skipped). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Scrapes a service's `/metrics` (next to its `/graphql`) and reads values: the sum of every series of `name` carrying `labels`. */
export async function scrapeMetrics(graphqlUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'), { headers });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const samples = parseSamples(await response.text());
  return {
    samples,
    value: (name: string, labels: Record<string, string> = {}) =>
      samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((sum, sample) => sum + sample.value, 0),
    /** Whether any series of `name` carries `labels`. */
    has: (name: string, labels: Record<string, string> = {}) =>
      samples.some((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)),
  };
}
