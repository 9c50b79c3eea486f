import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { imports } from "@/db/schema";
import { createDraft } from "@/lib/import/lifecycle";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { preparePreview } from "@/lib/import/prepare";
import { readSource } from "@/lib/import/source";
import { changedSavedRules, checkSelection, rulesFromForm, saveMapping, saveSelection, WizardError } from "@/lib/import/wizard";
import { getCachedDirectory, loadQboDirectory } from "@/lib/qbo/directory";
import type { RuleForEntity, SnapshotRule } from "@/lib/mapping/rules";
import { createWorld, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

/** What the Map page's form posts for a rule (a create rule's QBO Id is never a form field). */
function formOf(rules: RuleForEntity[]): FormData {
  const form = new FormData();
  for (const { category, sourceId, rule } of rules) {
    const field = (name: string, value: string | number | null | undefined) => {
      if (value !== undefined && value !== null) form.set(`r:${category}:${sourceId}:${name}`, String(value));
    };
    field("kind", rule.kind);
    if (rule.kind === "link") field("targetQboId", rule.targetQboId);
    if (rule.kind === "create") {
      field("name", rule.name);
      field("parentQboId", rule.parentQboId);
      field("incomeAccountId", rule.incomeAccountId);
      field("unitPrice", rule.unitPrice);
    }
  }
  return form;
}

describe("the wizard through its forms", () => {
  it("a second New Import of the same month through the Map form changes nothing: created entities are kept", async () => {
    const w = await createWorld();
    worlds.push(w);
    const range = { dateFrom: "2025-03-01", dateTo: "2025-03-31" };
    // The Map page reads QuickBooks' lists through the cache, as the app does.
    await loadQboDirectory(w.db, w.connection.id, w.client);
    const first = await w.preview(range);
    expect(first.summary.entitiesToCreate.length).toBeGreaterThan(0);
    await w.run(first.importId);
    // Entities were created, so the cached lists were dropped and the next read sees them.
    expect(await getCachedDirectory(w.db, w.connection.id)).toBeNull();

    const draft = await createDraft(w.db, w.actor, w.connection.id);
    await saveSelection(w.db, w.actor, draft.id, { ...range, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false });
    const source = await readSource(w.actitimeClient, { ...range, userIds: null, projectIds: null, leaveTypeIds: null });
    const directory = await loadQboDirectory(w.db, w.connection.id, w.client);
    const saved = await listSavedRules(w.db, w.connection.id);
    const entities = mapStepEntities(source, saved, directory);
    const names = new Map(entities.map((e) => [`${e.category}:${e.sourceId}`, e.name]));
    const shown = entities.map((e) => e.saved!);
    expect(shown.every(Boolean)).toBe(true);
    const { rules, errors } = rulesFromForm(formOf(shown), names, directory, saved);
    expect(errors).toEqual([]);
    expect(await saveMapping(w.db, w.actor, draft.id, rules, errors)).toBe(true);
    const [mapped] = await w.db.select().from(imports).where(eq(imports.id, draft.id));
    const summary = await preparePreview({ db: w.db, qbo: w.client, actitime: w.actitimeClient, directory, source }, mapped!, { importTaskNames: false, importComments: false });
    expect(summary.entitiesToCreate).toEqual([]);
    expect(summary.counts).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: first.summary.activities });
  });

  it.each([
    [{ dateFrom: "2025-03-31", dateTo: "2025-03-01" }, "The end date is before the start date."],
    [{ dateFrom: "2023-01-01", dateTo: "2025-03-01" }, "One import covers at most 366 days"],
    [{ dateFrom: "2025-02-30", dateTo: "2025-03-01" }, "The start date must be a real date (YYYY-MM-DD)"],
    [{ dateFrom: "", dateTo: "2025-03-01" }, "Enter the start date"],
  ])("refuses the range %o with a clear message", (range, message) => {
    expect(() => checkSelection({ ...range, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false })).toThrow(WizardError);
    expect(() => checkSelection({ ...range, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false })).toThrow(message);
  });
});

describe("changedSavedRules (what the Map step's Apply from applies to)", () => {
  const saved: SnapshotRule[] = [
    { category: "project", sourceId: 1, sourceName: "Website", kind: "link", targetQboId: "21", targetName: "Website", createOptions: null, dimensions: { class: { qboId: "300", name: "East" } } },
    { category: "user", sourceId: 2, sourceName: "Ann", kind: "create", targetQboId: "55", targetName: "Ann Lee", createOptions: null },
  ];
  const project = (rule: RuleForEntity["rule"]): RuleForEntity => ({ category: "project", sourceId: 1, sourceName: "Website", rule });
  it("a rule that does the same is unchanged, whatever its labels (QuickBooks' full names) or a create kept on its entity", () => {
    const same = project({ kind: "link", targetQboId: "21", targetName: "Acme:Website", dimensions: { class: { qboId: "300", name: "Region:East" } } });
    const kept: RuleForEntity = { category: "user", sourceId: 2, sourceName: "Ann", rule: { kind: "create", name: "Ann Lee", parentQboId: null, targetQboId: "55" } };
    expect(changedSavedRules([same, kept], saved)).toEqual([]);
  });
  it("another target, another Class, or a rule for an entity without a saved rule", () => {
    expect(changedSavedRules([project({ kind: "link", targetQboId: "22", targetName: "Other" , dimensions: { class: { qboId: "300", name: "East" } } })], saved)).toEqual(["project:1"]);
    expect(changedSavedRules([project({ kind: "link", targetQboId: "21", targetName: "Website", dimensions: { class: null } })], saved)).toEqual(["project:1"]);
    expect(changedSavedRules([{ category: "project", sourceId: 9, sourceName: "New", rule: { kind: "skip" } }], saved)).toEqual([]);
  });
});
