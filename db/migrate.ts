// `npm run db:migrate`: apply db/migrations to DATABASE_URL, or to the embedded PGlite database.
import { getDbHandle } from "./client";

const handle = await getDbHandle();
console.log(`Migrations applied (${handle.driver}).`);
await handle.close();
