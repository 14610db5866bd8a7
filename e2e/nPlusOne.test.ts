import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../test/kit/graphql.ts';
import { countQueries } from '../test/kit/queryCounter.ts';
import { startStack, type TestStack } from '../test/kit/stack.ts';
import { tokenFor } from '../test/kit/tokens.ts';

const USERS_WITH_EVERYTHING = `query($first: Int!) {
  users(first: $first) {
    edges { node {
      email
      notes(first: 20) { edges { node { title author { email } } } }
      orders(first: 10) { edges { node { totalCents items { quantity product { name } } } } }
    } }
  }
}`;

let stack: TestStack;
let adminToken: string;

/** 50 users, each with 3 notes and 2 orders of 2 items: enough that any per-item query would show. */
async function seedFiftyUsers() {
  const userIds = Array.from({ length: 50 }, () => randomUUID());
  await stack.users.db.user.createMany({
    data: userIds.map((id, i) => ({ id, email: `load${i}@example.com`, name: `Load ${i}`, passwordHash: 'x' })),
  });
  await stack.notes.db.note.createMany({
    data: userIds.flatMap((authorId) => [1, 2, 3].map((n) => ({ authorId, title: `Note ${n}`, content: 'text' }))),
  });
  const products = await Promise.all(
    [1, 2].map((n) => stack.orders.db.product.create({ data: { name: `Widget ${n}`, priceCents: 100 * n, stock: 1000 } })),
  );
  for (const userId of userIds) {
    for (const n of [1, 2]) {
      await stack.orders.db.order.create({
        data: {
          userId,
          status: 'CONFIRMED',
          paymentMethod: 'pm_card_ok',
          totalCents: 300,
          idempotencyKey: `seed-${userId}-${n}`,
          requestHash: 'seed',
          items: { create: products.map((product) => ({ productId: product.id, quantity: 1, unitPriceCents: product.priceCents })) },
        },
      });
    }
  }
}

beforeAll(async () => {
  // 50 users with 20 notes and 10 orders of up to 50 items each is estimated
  // far over the default COST_LIMIT; this file measures SQL, not cost.
  stack = await startStack({ env: { COST_LIMIT: '100000' } });
  await seedFiftyUsers();
  adminToken = await tokenFor(randomUUID(), 'ADMIN');
});
afterAll(() => stack?.stop());

describe('SQL statements per request do not grow with the number of items', () => {
  async function measure(first: number) {
    const counters = { users: countQueries(stack.users.db), notes: countQueries(stack.notes.db), orders: countQueries(stack.orders.db) };
    const response = await graphql(stack.router.url, USERS_WITH_EVERYTHING, { first }, { token: adminToken });
    expect(response.errors).toBeUndefined();
    const edges = response.data!.users.edges;
    expect(edges).toHaveLength(first);
    expect(edges.every((edge: any) => edge.node.notes.edges.length === 3 && edge.node.orders.edges.length === 2)).toBe(true);
    expect(edges[0].node.notes.edges[0].node.author.email).toBe(edges[0].node.email);
    return { users: counters.users.count, notes: counters.notes.count, orders: counters.orders.count };
  }

  it('runs the same statements per subgraph for 5 users as for 50', async () => {
    const five = await measure(5);
    const fifty = await measure(50);
    expect(fifty).toEqual(five);
    // users: the page of users, then one batched lookup of the note authors.
    // notes: one windowed query for every user's first page of notes.
    // orders: orders per user (windowed), their items, their products.
    expect(five).toEqual({ users: 2, notes: 1, orders: 3 });
  });
});
