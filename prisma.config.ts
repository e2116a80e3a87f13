// Prisma CLI configuration. At run time the product connects through @prisma/adapter-pg with
// URLs from src/config.ts; this file only serves the CLI (generate, and migrate status/deploy
// where the native schema engine is available — offline, `npm start` applies migrations itself).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/l1workspace' },
});
