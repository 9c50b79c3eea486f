// Column builders the tables share. Each call returns fresh builders: a builder belongs to one table.
// Function declarations (hoisted), so tables may call them while the schema modules load each other.
import { bigserial, timestamp, uuid } from "drizzle-orm/pg-core";

/** A uuid primary key the database draws. */
export function uuidPrimaryKey() {
  return uuid("id").primaryKey().defaultRandom();
}

/** A bigserial primary key, read as a number: tables written many rows at a time. */
export function serialPrimaryKey() {
  return bigserial("id", { mode: "number" }).primaryKey();
}

/** An instant (timestamptz: every timestamp of the schema keeps its zone). */
export function timestamptz(name: string) {
  return timestamp(name, { withTimezone: true });
}

/** An instant the database stamps on insert. */
export function stampedAt(name: string) {
  return timestamptz(name).notNull().defaultNow();
}

/** created_at and updated_at, stamped on insert; writers set updatedAt when they change the row. */
export function timestamps() {
  return { createdAt: stampedAt("created_at"), updatedAt: stampedAt("updated_at") };
}
