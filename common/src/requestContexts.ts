import type { Request, Response } from 'express';

/**
 * One context per HTTP request, built on first use: Apollo's integration
 * and the front door's deduplication (identicalRequests.ts) ask for it at
 * different times and must get the same object, the one the execution saw.
 */
export class RequestContexts<TContext> {
  private readonly built = new WeakMap<Response, Promise<TContext>>();

  constructor(private readonly build: (req: Request, res: Response) => Promise<TContext>) {}

  of(req: Request, res: Response): Promise<TContext> {
    let context = this.built.get(res);
    if (!context) this.built.set(res, (context = this.build(req, res)));
    return context;
  }

}
