import { createLogger } from '@supergraph/common';
import { loadUsersConfig } from '../config.ts';
import { createUsersDb } from '../db.ts';
import { seedUsers } from './seedUsers.ts';

const config = loadUsersConfig();
const db = createUsersDb(config.USERS_DATABASE_URL, 1, createLogger('users-seed', config.LOG_LEVEL));
console.log(`users: seeded ${await seedUsers(db)} users`);
await db.$disconnect();
