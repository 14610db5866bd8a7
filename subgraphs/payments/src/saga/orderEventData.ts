import { z } from 'zod';

// What the payments saga reads of the orders subgraph's events: only the
// fields it needs, so orders may add others freely (docs/events.md has the
// full contracts). An event without them is dead-lettered.

export const orderPlacedData = z.object({
  orderId: z.guid(),
  userId: z.guid(),
  totalCents: z.number().int().nonnegative(),
  paymentMethod: z.string().min(1),
});

export const orderCancelledData = z.object({ orderId: z.guid() });
