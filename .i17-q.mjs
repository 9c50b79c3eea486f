import { PGlite } from "@electric-sql/pglite";
const db = new PGlite(process.argv[2]);
const r = await db.query("select source_key, kind, decision, resolved_at, ledger_sync_token, qbo_sync_token, qbo_id from qbo_changes");
console.log(r.rows);
for (const c of r.rows) {
  const l = await db.query("select qbo_id, sync_token, updated_at from ledger where source_key = $1", [c.source_key]);
  console.log(c.source_key, l.rows);
}
