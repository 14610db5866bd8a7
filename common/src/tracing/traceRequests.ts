import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { isTracing } from './registerTracing.ts';

/**
 * Express middleware: a server span per request, child of the caller's W3C
 * `traceparent` when it sent one (the router, to a subgraph), and active
 * while the rest of the chain runs, so Apollo's work, the resolvers and
 * Prisma's queries nest under it. Mounted after the body parser: the body is
 * read from socket events, which would not run in the span's context anyway.
 */
export function traceRequests(tracerName: string): RequestHandler {
  return (req, res, next) => {
    if (!isTracing()) return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const route = `${req.baseUrl}${req.path === '/' ? '' : req.path}`;
    const span = trace.getTracer(tracerName).startSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route, 'url.path': req.originalUrl } },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
