import { z } from 'zod';
import { signingSecretProblem } from './subgraphSignature.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Settings every service reads from the environment, with their defaults.
 * Each service's `config.ts` extends this schema with its own settings and
 * parses `process.env` once at start-up.
 */
export const sharedConfigSchema = z.object({
  /** `production` hides field suggestions and requires a real JWT_SECRET (and SUBGRAPH_SIGNING_SECRETS where declared). @default development */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** pino level. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 secret shared by the subgraph that issues tokens (signs) and every verifier. */
  JWT_SECRET: z.string().min(32).default('development-secret-change-me-in-production!'),
  /** @default supergraph */
  JWT_ISSUER: z.string().default('supergraph'),
  /** @default supergraph */
  JWT_AUDIENCE: z.string().default('supergraph'),
  /** Maximum selection depth of an operation. @default 12 */
  ARMOR_MAX_DEPTH: positiveInt(12),
  /** Maximum number of aliases in an operation. @default 15 */
  ARMOR_MAX_ALIASES: positiveInt(15),
  /** Maximum number of lexical tokens in a document. @default 2000 */
  ARMOR_MAX_TOKENS: positiveInt(2000),
  /** Maximum number of directives in an operation. @default 50 */
  ARMOR_MAX_DIRECTIVES: positiveInt(50),
  /**
   * On stop, how long requests (and, at the router, WebSocket operations and
   * subscription events) already in flight may take to finish before their
   * connections are closed, in ms. @default 10000
   */
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  /**
   * OpenTelemetry collector to export traces to over OTLP/HTTP (its base
   * URL; spans go to `<url>/v1/traces`). Unset: no tracing at all, at no
   * cost. @default unset
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
    // Blank is unset: docker-compose passes an unset variable on as "".
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.url({ protocol: /^https?$/ }).optional(),
  ),
  /** Turns tracing off while keeping OTEL_EXPORTER_OTLP_ENDPOINT set. @default true */
  OTEL_TRACES_ENABLED: z.stringbool().default(true),
  /** The `service.name` of this process's spans. @default the service's own name (router, bridge, users, ...) */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Share of new traces recorded, 0 to 1; a request that comes with a trace keeps its caller's decision. @default 1 */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Serve Prometheus metrics at `/metrics`. @default true */
  METRICS_ENABLED: z.stringbool().default(true),
  /**
   * When set, `/metrics` answers only scrapes sending `Authorization: Bearer
   * <token>` (at least 16 characters); set it wherever the port is reachable
   * by more than the scraper. Blank is unset. @default unset
   */
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .pipe(z.string().min(16).optional()),
  /**
   * Distinct operation names that get series of their own in
   * `graphql_request_duration_seconds`; later ones are counted as `other`,
   * so names clients choose cannot grow the metrics without bound. @default 200
   */
  METRICS_MAX_OPERATION_NAMES: z.coerce.number().int().min(0).default(200),
  /** How long each dependency check of `/health/ready` may take before it counts as down, in ms. @default 2000 */
  READINESS_TIMEOUT_MS: positiveInt(2_000),
  /** How long a `/health/ready` answer is reused before the dependencies are asked again, in ms (0: every probe). @default 1000 */
  READINESS_CACHE_MS: z.coerce.number().int().min(0).default(1_000),
});

export type SharedConfig = z.infer<typeof sharedConfigSchema>;

/**
 * Settings of the services on either end of a subgraph request: the router
 * (signs) and every subgraph (verifies). Their `config.ts` extends its schema
 * with these; the bridge, which talks to neither, does not.
 */
export const subgraphSigningConfigSchema = z.object({
  /**
   * Secrets of the router's signature on subgraph requests (Standard Webhooks:
   * base64 of at least 24 random bytes, optionally prefixed `whsec_`),
   * comma-separated so the secret can be rotated: the router signs with the
   * first, a subgraph accepts any. Required in production. Unset elsewhere,
   * the router does not sign and subgraphs accept unsigned requests.
   * @default unset
   */
  SUBGRAPH_SIGNING_SECRETS: z
    .string()
    .optional()
    .transform((value, context) => {
      // Blank is unset: docker-compose passes an unset variable on as "".
      if (value === undefined || value.trim() === '') return undefined;
      const secrets = value.split(',').map((secret) => secret.trim());
      secrets.forEach((secret, index) => {
        const problem = secret === '' ? 'is empty' : signingSecretProblem(secret);
        if (problem) context.addIssue({ code: 'custom', message: `secret ${index + 1} of ${secrets.length} ${problem}` });
      });
      return secrets;
    }),
});

export type SubgraphSigningConfig = z.infer<typeof subgraphSigningConfigSchema>;

/** Settings a production service whose schema declares them cannot start without. */
const requiredInProduction = {
  SUBGRAPH_SIGNING_SECRETS:
    'the router signs every subgraph request with it and subgraphs refuse unsigned ones; e.g. whsec_$(openssl rand -base64 32), the same on the router and every subgraph',
};

/** Parses the environment against a schema and fails with every bad setting named. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, service: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`${service}: invalid configuration\n${problems}`);
  }
  const config = result.data as SharedConfig;
  if (config.NODE_ENV === 'production' && config.JWT_SECRET === sharedConfigSchema.shape.JWT_SECRET.parse(undefined)) {
    throw new Error(`${service}: JWT_SECRET must be set in production`);
  }
  for (const [name, why] of Object.entries(requiredInProduction)) {
    const declared = schema instanceof z.ZodObject && name in schema.shape;
    if (config.NODE_ENV === 'production' && declared && (result.data as Record<string, unknown>)[name] === undefined) {
      throw new Error(`${service}: ${name} must be set in production (${why})`);
    }
  }
  return result.data;
}
