import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createLogger } from '../logger.ts';
import type { SharedConfig } from '../sharedConfig.ts';
import { registerTracing, type Tracing } from './registerTracing.ts';

/** The tracing settings of `sharedConfigSchema`. */
export type TracingConfig = Pick<SharedConfig, 'LOG_LEVEL' | 'OTEL_TRACES_ENABLED' | 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_TRACES_SAMPLER_ARG'>;

/**
 * Starts exporting traces over OTLP/HTTP when the configuration asks for it,
 * from a service's entry point (once per process). Returns null, having
 * installed nothing, when tracing is off: the OpenTelemetry API's no-op
 * tracer then stands behind every tracer and nothing is recorded or sent.
 */
export function startTracing(config: TracingConfig, serviceName: string): Tracing | null {
  if (!config.OTEL_TRACES_ENABLED || !config.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  // The endpoint is the collector's base URL, as in the OpenTelemetry
  // environment specification; traces go to its /v1/traces.
  const url = `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  const logger = createLogger(serviceName, config.LOG_LEVEL).child({ component: 'tracing' });
  logger.info({ url }, 'exporting traces');
  return registerTracing({
    serviceName: config.OTEL_SERVICE_NAME ?? serviceName,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
    // Export failures would otherwise go unnoticed: the SDK reports them to no one by default.
    onProblem: (message) => logger.warn(message),
  });
}
