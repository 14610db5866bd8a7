import type { ApolloServerPlugin } from '@apollo/server';
import type { InFlight } from './inFlight.ts';
import type { RouterContext } from './routerContext.ts';

/** Counts every operation as in flight from its start until its response is ready, whether or not its client is still there. */
export function trackOperations(inFlight: InFlight): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      let done!: () => void;
      inFlight.track(new Promise<void>((resolve) => (done = resolve)));
      return {
        async willSendResponse() {
          done();
        },
      };
    },
  };
}
