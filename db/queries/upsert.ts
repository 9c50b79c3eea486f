// INSERT … ON CONFLICT DO UPDATE helpers shared by the upserts in db/queries.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/** `SET column = excluded.column` for each named column: the conflicting row takes the inserted values. */
export function fromExcluded<T extends PgTable, K extends keyof T["_"]["columns"] & string>(table: T, keys: readonly K[]): { [key: string]: SQL } {
  const columns = getTableColumns(table);
  return Object.fromEntries(keys.map((key) => [key, sql`excluded.${sql.identifier(columns[key]!.name)}`]));
}
