// Preview page cost for a large import: the page's database query (listImportItems: one page of 100
// rows plus the total) and the server render of what the page shows from it: the four summary charts,
// the items table of one page and the pager (react-dom/server, as the server component renders them).
import { performance } from "node:perf_hooks";
import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import type { Db } from "@/db/client";
import { imports } from "@/db/schema";
import { listImportItems, type ItemFilter } from "@/db/queries/imports";
import type { SnapshotRule } from "@/lib/import/execute";
import type { PreviewSummary } from "@/lib/import/prepare";
import { refNames } from "@/lib/import/ref-names";
import { BreakdownChart, ItemsTable, ITEMS_PAGE_SIZE, Pager } from "@/app/(app)/imports/_components/items-table";

export interface RenderResult {
  items: number;
  /** Median of the repetitions, ms. */
  queryFirstPageMs: number;
  queryLastPageMs: number;
  queryCorrectionsMs: number;
  renderMs: number;
  html: number;
  repetitions: number;
}

const REPETITIONS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeMedian(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up (JIT, PGlite plan cache)
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function benchPreviewRender(db: Db, importId: string, summary: PreviewSummary): Promise<RenderResult> {
  const [imp] = await db.select().from(imports).where(eq(imports.id, importId));
  const names = refNames(((imp?.mappingSnapshot ?? {}) as { rules?: SnapshotRule[] }).rules ?? []);
  const query = (filter: ItemFilter, page: number) => listImportItems(db, importId, filter, (page - 1) * ITEMS_PAGE_SIZE, ITEMS_PAGE_SIZE);
  const { total } = await query("all", 1);
  const lastPage = Math.max(1, Math.ceil(total / ITEMS_PAGE_SIZE));
  const queryFirstPageMs = await timeMedian(() => query("all", 1));
  const queryLastPageMs = await timeMedian(() => query("all", lastPage));
  const queryCorrectionsMs = await timeMedian(() => query("corrections", 1));
  const { rows } = await query("all", 1);
  const base = `/imports/${importId}/preview`;
  const render = () =>
    renderToString(
      <main>
        <div>
          <BreakdownChart title="By employee" rows={summary.breakdown.byUser} />
          <BreakdownChart title="By customer" rows={summary.breakdown.byCustomer} />
          <BreakdownChart title="By service item" rows={summary.breakdown.byItem} />
          <BreakdownChart title="Billable" rows={summary.breakdown.byBillable} />
        </div>
        <ItemsTable rows={rows} names={names} preview />
        <Pager base={base} filter="all" page={1} total={total} />
      </main>,
    );
  const html = render().length;
  const renderMs = await timeMedian(render);
  return { items: total, queryFirstPageMs, queryLastPageMs, queryCorrectionsMs, renderMs, html, repetitions: REPETITIONS };
}
