import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Prisma's native engines are downloaded binaries that cannot be fetched on
// our machines; the JS engine runs migrations through the pg driver adapter.
// A short idle timeout lets the CLI exit as soon as it is done instead of
// holding its pool open for pg's default ten seconds.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.WEBHOOKS_DATABASE_URL, idleTimeoutMillis: 10, allowExitOnIdle: true }),
});
