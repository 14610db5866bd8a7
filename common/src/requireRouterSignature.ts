import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { unauthenticated } from './appError.ts';
import type { Logger } from './logger.ts';
import { createSubgraphVerifier, SIGNATURE_CHALLENGE, SignatureError } from './subgraphSignature.ts';

export interface RouterSignatureCheck {
  /**
   * For `express.json({ verify })`: checks the signature over the raw bytes
   * before they are parsed, so an unsigned caller never reaches the parser.
   */
  verifyBody: (req: IncomingMessage, res: unknown, body: Buffer) => void;
  /** Mounted right after the JSON parser: answers every request that was not verified with 401. */
  refuseUnsigned: [ErrorRequestHandler, RequestHandler];
}

/**
 * A subgraph answers only the router: each request must carry the router's
 * signature over its exact body (see subgraphSignature.ts). Requests the JSON
 * parser skips (GET, another content type) have no body to check and are
 * refused too, so Apollo's GET support is no way around the signature.
 */
export function requireRouterSignature(secrets: readonly string[], logger: Logger): RouterSignatureCheck {
  const verify = createSubgraphVerifier(secrets);
  const verified = new WeakSet<IncomingMessage>();
  const refuse = (res: Parameters<RequestHandler>[1], reason: string) =>
    res.status(401).set('www-authenticate', SIGNATURE_CHALLENGE).json({ errors: [unauthenticated(`This subgraph answers only the router; ${reason}.`).toJSON()] });
  return {
    verifyBody: (req, _res, body) => {
      verify(body, req.headers);
      verified.add(req);
    },
    refuseUnsigned: [
      (error, req, res, next) => {
        if (!(error instanceof SignatureError)) return next(error);
        // A router with the wrong secret or a skewed clock shows up here first.
        logger.warn({ reason: error.message, remote: req.socket.remoteAddress }, 'refused a request without a valid router signature');
        refuse(res, error.message);
      },
      (req, res, next) => {
        if (verified.has(req)) return next();
        logger.warn({ method: req.method, remote: req.socket.remoteAddress }, 'refused an unsigned request');
        refuse(res, 'it takes only signed JSON POST requests');
      },
    ],
  };
}
