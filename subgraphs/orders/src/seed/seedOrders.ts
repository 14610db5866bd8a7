import { demoUsers } from '@supergraph/demo';
import type { OrderStatus } from '../__generated__/prisma/client.ts';
import type { OrdersDb } from '../db.ts';
import { hashOrderLines, type OrderLine } from '../placeOrderInput.ts';

const [alice, bob, carol] = demoUsers;

// Fixed ids and dates make the seed idempotent and its pages predictable.
const id = (kind: 1 | 2 | 3, n: number) => `00000000-0000-4000-8000-${kind}${String(n).padStart(11, '0')}`;
const productId = (n: number) => id(1, n);
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 9, day, hour));

// Stock is what is left after the seeded orders: they were placed before.
const products = [
  { id: productId(1), name: 'Espresso beans, 1 kg', priceCents: 2400, stock: 40 },
  { id: productId(2), name: 'Burr grinder', priceCents: 12900, stock: 8 },
  { id: productId(3), name: 'Pour-over kettle', priceCents: 4500, stock: 15 },
  { id: productId(4), name: 'Paper filters, 100', priceCents: 650, stock: 200 },
  { id: productId(5), name: 'Ceramic dripper', priceCents: 2200, stock: 25 },
  { id: productId(6), name: 'Milk frother', priceCents: 3900, stock: 0 },
  { id: productId(7), name: 'Travel mug', priceCents: 1800, stock: 60 },
  { id: productId(8), name: 'Digital scale', priceCents: 2900, stock: 12 },
].map((product, index) => ({ ...product, createdAt: at(1, index) }));

const orders: { userId: string; createdAt: Date; status?: OrderStatus; lines: OrderLine[] }[] = [
  { userId: alice.id, createdAt: at(3), lines: [{ productId: productId(1), quantity: 2 }, { productId: productId(4), quantity: 1 }] },
  { userId: alice.id, createdAt: at(9), lines: [{ productId: productId(2), quantity: 1 }] },
  { userId: alice.id, createdAt: at(14), lines: [{ productId: productId(7), quantity: 2 }, { productId: productId(8), quantity: 1 }] },
  { userId: bob.id, createdAt: at(5), lines: [{ productId: productId(3), quantity: 1 }, { productId: productId(5), quantity: 1 }] },
  { userId: bob.id, createdAt: at(12), lines: [{ productId: productId(6), quantity: 1 }] },
  { userId: carol.id, createdAt: at(7), lines: [{ productId: productId(1), quantity: 1 }] },
  { userId: carol.id, createdAt: at(10), status: 'CANCELLED', lines: [{ productId: productId(2), quantity: 1 }] },
  { userId: carol.id, createdAt: at(16), lines: [{ productId: productId(4), quantity: 3 }, { productId: productId(5), quantity: 1 }] },
];

/** Inserts demo products and a few orders for alice, bob and carol; running it again changes nothing. */
export async function seedOrders(db: OrdersDb): Promise<{ products: number; orders: number }> {
  const price = new Map(products.map((product) => [product.id, product.priceCents]));
  const rows = orders.map((order, index) => ({
    order: {
      id: id(2, index + 1),
      userId: order.userId,
      // Seeded orders were paid long ago: CONFIRMED, or cancelled by their customer.
      status: order.status ?? ('CONFIRMED' as const),
      cancelReason: order.status === 'CANCELLED' ? ('CUSTOMER' as const) : null,
      paymentMethod: 'pm_card_ok',
      totalCents: order.lines.reduce((sum, line) => sum + line.quantity * price.get(line.productId)!, 0),
      idempotencyKey: `seed-${index + 1}`,
      requestHash: hashOrderLines(order.lines),
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
    },
    items: order.lines.map((line, lineIndex) => ({
      id: id(3, (index + 1) * 100 + lineIndex),
      orderId: id(2, index + 1),
      ...line,
      unitPriceCents: price.get(line.productId)!,
    })),
  }));
  return db.$transaction(async (tx) => {
    const insertedProducts = await tx.product.createMany({ data: products, skipDuplicates: true });
    const insertedOrders = await tx.order.createMany({ data: rows.map((row) => row.order), skipDuplicates: true });
    await tx.orderItem.createMany({ data: rows.flatMap((row) => row.items), skipDuplicates: true });
    return { products: insertedProducts.count, orders: insertedOrders.count };
  });
}
