import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { PrismaInstrumentation } from '@prisma/instrumentation';

export interface TracingOptions {
  /** The resource's `service.name`: one per process, since a process has one provider. */
  serviceName: string;
  /** Where finished spans go: a batching OTLP exporter in a service, an in-memory one in tests. */
  spanProcessors: SpanProcessor[];
  /** Share of new traces recorded; a request that arrives sampled (or not) keeps its caller's decision. @default 1 */
  sampleRatio?: number;
  /**
   * Told of OpenTelemetry's own problems (a collector that cannot be
   * reached, spans dropped), which the SDK reports nowhere by default.
   * @default unset, they are not reported
   */
  onProblem?: (message: string) => void;
}

export interface Tracing {
  /**
   * Flushes the spans not yet exported, then unregisters everything
   * `registerTracing` installed. Never rejects: a collector that is down
   * must not fail a service's stop (its spans are lost, as on a crash).
   */
  shutdown(): Promise<void>;
}

let registered = false;

/**
 * Whether a tracer provider is registered in this process. Code on hot paths
 * asks before doing any tracing work, so tracing off costs one boolean
 * check: no spans (not even no-op ones), no header parsing, no envelope fields.
 */
export const isTracing = (): boolean => registered;

/**
 * Installs OpenTelemetry for the whole process: a tracer provider, the W3C
 * `traceparent`/`tracestate` propagator, the async-hooks context manager and
 * Prisma's instrumentation. A process has one provider, so everything it
 * runs (under `npm start` or in a test, the router, subgraphs, relays and
 * bridge together) shares it; each component names its tracer after itself,
 * which is how spans of one process tell their service apart.
 *
 * Once per process: libraries that took their tracer at load time (the
 * gateway's `gateway.*` spans) keep the first provider they saw, so a
 * provider registered after another was shut down misses their spans.
 */
export function registerTracing(options: TracingOptions): Tracing {
  if (registered) throw new TypeError('registerTracing: tracing is already registered in this process; shut the first one down before registering again.');
  const ratio = options.sampleRatio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new TypeError(`registerTracing: sampleRatio must be between 0 and 1, but got ${String(ratio)}.`);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: options.spanProcessors,
  });
  // The default registration: W3C trace context and baggage, AsyncLocalStorage for the active span.
  provider.register();
  if (options.onProblem) {
    const report = (message: string, ...args: unknown[]) => options.onProblem!([message, ...args.map(String)].join(' '));
    const quiet = () => {};
    diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
  }
  const unregisterInstrumentations = registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  registered = true;
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        unregisterInstrumentations();
        await provider.shutdown().catch((error: unknown) => options.onProblem?.(`spans not exported at shutdown: ${String(error)}`));
        diag.disable();
        trace.disable();
        context.disable();
        propagation.disable();
        registered = false;
      })()),
  };
}
