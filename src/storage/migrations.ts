import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The drizzle-kit SQL files, applied by migrate() (db.ts) and baked into the PGlite template. */
export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
