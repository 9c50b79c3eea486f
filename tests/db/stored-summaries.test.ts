// The summaries an import and an undo store (imports.summary) read back through their zod schemas
// (db/types.ts): the import pages parse them instead of casting, so what the writers store and what
// the schemas accept must stay the same shape.
import { afterEach, describe, expect, it } from "vitest";
import { parseImportSelection, parseImportSummary, parsePreviewSummary, summaryNamesOf } from "@/db/types";
import { planUndo, startUndo } from "@/lib/import/undo";
import { createWorld, type World } from "@/tests/helpers/world";

const MARCH = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

describe("stored import summaries", () => {
  it("a preview's summary and selection, and an undo's summary, parse as stored; an undo's is no preview summary", async () => {
    const w = await createWorld();
    worlds.push(w);
    const { importId } = await w.preview(MARCH);
    const previewed = await w.importRow(importId);
    const summary = parsePreviewSummary(previewed.summary);
    expect(summary).toEqual(previewed.summary);
    expect(summary!.activities).toBeGreaterThan(0);
    expect(Object.keys(summary!.names).length).toBeGreaterThan(0);
    expect(parseImportSummary(previewed.summary)).toEqual(previewed.summary);
    expect(parseImportSelection(previewed.selection)).toEqual(previewed.selection);

    expect((await w.run(importId)).status).toBe("completed");
    const plan = (await planUndo(w.db, w.client, w.actor, importId))!;
    const undo = await startUndo(w.db, w.client, w.actor, importId, plan.ledgerVersion);
    const stored = (await w.importRow(undo.id)).summary;
    const undoSummary = parseImportSummary(stored);
    expect(undoSummary).toEqual(stored);
    expect(undoSummary?.kind).toBe("undo");
    expect(summaryNamesOf(stored).names).toEqual(undoSummary!.names);
    expect(() => parsePreviewSummary(stored)).toThrow();
  });
});
