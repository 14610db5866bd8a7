import { createLogger } from '@supergraph/common';
import { loadOrdersConfig } from '../config.ts';
import { createOrdersDb } from '../db.ts';
import { seedOrders } from './seedOrders.ts';

const config = loadOrdersConfig();
const db = createOrdersDb(config.ORDERS_DATABASE_URL, 1, createLogger('orders-seed', config.LOG_LEVEL));
const seeded = await seedOrders(db);
console.log(`orders: seeded ${seeded.products} products and ${seeded.orders} orders`);
await db.$disconnect();
