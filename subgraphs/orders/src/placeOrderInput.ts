import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badInput, isId } from '@supergraph/common';

/** Limits documented in schema.graphql. */
const LIMITS = { items: 50, quantity: 1000, idempotencyKey: 100, paymentMethod: 100 } as const;

const itemSchema = z.object({
  productId: z
    .string()
    .refine(isId, 'must be a valid id')
    .transform((id) => id.toLowerCase()),
  quantity: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(LIMITS.quantity, `must be at most ${LIMITS.quantity}`),
});

// Validated as the resolver's whole argument object, so an issue's path is
// the GraphQL path of the offending argument (`input.items.0.quantity`).
const placeOrderSchema = z.object({
  idempotencyKey: z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.idempotencyKey, `must be at most ${LIMITS.idempotencyKey} characters`),
  input: z.object({
    items: z
      .array(itemSchema)
      .min(1, 'must have at least one item')
      .max(LIMITS.items, `must have at most ${LIMITS.items} items`)
      .refine((items) => new Set(items.map((item) => item.productId)).size === items.length, 'must list each product at most once'),
    paymentMethod: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(LIMITS.paymentMethod, `must be at most ${LIMITS.paymentMethod} characters`),
  }),
});

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface OrderRequest {
  idempotencyKey: string;
  /** In the client's order, so errors can name `input.items.<index>`. */
  items: OrderLine[];
  /** Identifies what was asked for, whatever the order of its lines. A retry keeps the first call's payment method. */
  requestHash: string;
  paymentMethod: string;
}

/** Validates placeOrder's arguments; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parsePlaceOrder(args: unknown): OrderRequest {
  const result = placeOrderSchema.safeParse(args);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    throw badInput(field, `${field} ${issue.message}.`);
  }
  const { idempotencyKey, input } = result.data;
  return { idempotencyKey, items: input.items, requestHash: hashOrderLines(input.items), paymentMethod: input.paymentMethod };
}

/**
 * Identifies an order's content. A retry sends the same lines, maybe in
 * another order: sorting by product makes both hash alike. Products are
 * unique per order, so the sort is total.
 */
export function hashOrderLines(items: OrderLine[]): string {
  const lines = items.map((item) => [item.productId, item.quantity] as const).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(lines)).digest('hex');
}
