import { z } from 'zod';

// What the orders saga reads of the payments subgraph's events: only the
// order they are about (docs/events.md has the full contracts). An event
// without it is dead-lettered.
export const paymentOutcomeData = z.object({ orderId: z.guid() });
