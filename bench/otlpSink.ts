import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Export requests received on /v1/traces so far. */
  exports: () => number;
  stop: () => Promise<void>;
}

/**
 * A stand-in OpenTelemetry collector for benchmarks: accepts every OTLP/HTTP
 * trace export and drops it, so a traced gateway pays for recording and
 * exporting its spans, and nothing else.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/traces') exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
