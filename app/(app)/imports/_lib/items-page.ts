import type { Db } from "@/db/client";
import { listImportItems, type ItemFilter } from "@/db/queries/imports";
import { ITEMS_PAGE_SIZE } from "../_components/items-table";

/** Where an import's items are listed: its own page once started, or the wizard's Preview. */
export type ItemsPageKind = "import" | "preview";

// One row a filter, in the order shown. A preview words them for what is still to happen, and has no
// failures yet.
const ITEM_FILTERS: { key: ItemFilter; import: string; preview: string | null }[] = [
  { key: "all", import: "All", preview: "All activities" },
  { key: "created", import: "New activities", preview: "New" },
  { key: "corrections", import: "Corrections", preview: "Corrections" },
  { key: "billed", import: "Billed (left alone)", preview: "Billed (left alone)" },
  { key: "failed", import: "Failed", preview: null },
  { key: "entities", import: "Created entities", preview: "New QuickBooks entities" },
];

export function itemFilters(kind: ItemsPageKind): { key: ItemFilter; label: string }[] {
  return ITEM_FILTERS.flatMap((f) => (f[kind] === null ? [] : [{ key: f.key, label: f[kind] }]));
}

/** The page of items the address asks for (`?filter=&page=`); an unknown filter is "all", a bad page the first. */
export async function loadItemsPage(db: Db, importId: string, kind: ItemsPageKind, query: Record<string, string | undefined>) {
  const filters = itemFilters(kind);
  const filter = filters.find((f) => f.key === query.filter)?.key ?? "all";
  const page = Math.max(1, Number(query.page) || 1);
  const { rows, total } = await listImportItems(db, importId, filter, (page - 1) * ITEMS_PAGE_SIZE, ITEMS_PAGE_SIZE);
  return { filters, filter, page, rows, total };
}
