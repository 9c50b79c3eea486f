// Rules for entities an import created. Once QuickBooks has the entity, the rule is a link to it
// everywhere (Map, Settings, later snapshots): it is saved the moment the entity exists, in the same
// transaction that records the create, so an interrupted or failed run leaves the company's rules
// pointing at what it made and the same configuration runs again without a name clash. Creating a
// second entity for the same actiTIME entity is a deliberate choice, and the Preview says so.
import type { Db } from "@/db/client";
import type { ImportRow } from "@/db/queries/imports";
import { findRule, linkPeriodToCreated, listConnectionRules, saveRule, saveRuleFrom, type MappingRuleRow } from "@/db/queries/mappings";
import { extrasOf, sameStoredRule, type SnapshotRule, type StoredRule } from "@/lib/mapping/rules";
import type { EntityItemPayload } from "./types";
import { mappingSnapshotOf, snapshotCreates } from "./snapshot";

/** The rule a snapshot's rule becomes for the company: a create whose entity exists is a link to it. */
export function storedRuleAfterImport(rule: SnapshotRule, createdQboId: string | null | undefined, existingTargetQboId: string | null): StoredRule {
  const targetQboId = rule.targetQboId ?? createdQboId ?? (rule.kind === "skip" ? null : existingTargetQboId);
  // A vendor rule stays a vendor rule, and Class / Location rules stay with it (extrasOf).
  if (rule.kind === "create" && targetQboId) return { kind: "link", targetQboId, targetName: rule.targetName ?? rule.sourceName, createOptions: null, ...extrasOf(rule) };
  return { kind: rule.kind, targetQboId: targetQboId ?? null, targetName: rule.targetName ?? null, createOptions: rule.createOptions ?? null, ...extrasOf(rule) };
}

/**
 * The entity of a create rule exists in QuickBooks (created now, or found by name after a lost answer
 * or a 6240): the company's rule for every actiTIME entity it stands for becomes a link to it, with a
 * mapping-history row. Runs inside the transaction that marks the entity item created.
 */
export async function saveRuleForCreatedEntity(tx: Db, imp: Pick<ImportRow, "id" | "connectionId" | "createdByAdminId" | "mappingSnapshot">, payload: EntityItemPayload, qboId: string, at: Date): Promise<void> {
  const dated = mappingSnapshotOf(imp);
  const snapshot = dated.rules ?? [];
  const creates = snapshotCreates(dated);
  for (const sourceId of payload.sourceIds) {
    const rule = snapshot.find((r) => r.category === payload.category && r.sourceId === sourceId);
    // Rules that apply from a date: the earlier periods whose create this was become links to it too.
    const create = creates.get(`${payload.category}:${sourceId}`);
    for (const period of create?.periods ?? []) {
      await linkPeriodToCreated(tx, { connectionId: imp.connectionId, entity: { category: payload.category, sourceId, sourceName: period.sourceName }, validFrom: period.validFrom ?? null, qboId, targetName: payload.name, changedByAdminId: imp.createdByAdminId, importId: imp.id, at });
    }
    // An earlier period's create: the current rule (a link, a skip or another create) stays as it is.
    if (create && !snapshot.includes(create.rule)) continue;
    const existing = await findRule(tx, imp.connectionId, { category: payload.category, sourceId });
    if (existing && existing.kind === "link" && existing.targetQboId === qboId) continue;
    const sourceName = rule?.sourceName ?? existing?.sourceName ?? payload.name;
    // The link keeps what the rule was (a Vendor stays a Vendor; its Class / Location rules stay).
    const extras = extrasOf({ kind: "link", nameOf: rule?.nameOf ?? existing?.nameOf, dimensions: rule?.dimensions ?? existing?.dimensions });
    const input = {
      connectionId: imp.connectionId,
      entity: { category: payload.category, sourceId, sourceName },
      rule: { kind: "link" as const, targetQboId: qboId, targetName: payload.name, createOptions: null, ...extras },
      changedByAdminId: imp.createdByAdminId,
      importId: imp.id,
      at,
    };
    // A saved rule the Map step changed "from a date": its earlier periods stay (issue 19 §2).
    if (dated.applyFrom?.keys.includes(`${payload.category}:${sourceId}`)) await saveRuleFrom(tx, { ...input, validFrom: dated.applyFrom.validFrom });
    else await saveRule(tx, input);
  }
}

export interface DraftRuleChange {
  category: SnapshotRule["category"];
  sourceId: number;
  sourceName: string;
  before: SnapshotRule;
  after: SnapshotRule;
}

/**
 * A draft's rules against the company's rules as they are now. A saved rule changed after the draft
 * was last changed (by Settings, or by an import that created the entity) replaces the draft's
 * choice, and the change is reported so the page can say so: an older draft never fails validation
 * for a name its own configuration already created.
 */
export function upToDateDraftRules(
  draftRules: readonly SnapshotRule[],
  savedRows: readonly Pick<MappingRuleRow, "category" | "sourceId" | "sourceName" | "kind" | "targetQboId" | "targetName" | "createOptions" | "updatedAt" | "nameOf" | "dimensions">[],
  draftChangedAt: Date,
): { rules: SnapshotRule[]; changes: DraftRuleChange[] } {
  const savedByKey = new Map(savedRows.map((r) => [`${r.category}:${r.sourceId}`, r]));
  const changes: DraftRuleChange[] = [];
  const rules = draftRules.map((rule) => {
    const row = savedByKey.get(`${rule.category}:${rule.sourceId}`);
    if (!row || row.updatedAt.getTime() <= draftChangedAt.getTime()) return rule;
    const after: SnapshotRule = { category: row.category, sourceId: row.sourceId, sourceName: rule.sourceName, kind: row.kind, targetQboId: row.targetQboId, targetName: row.targetName, createOptions: row.createOptions, ...extrasOf(row) };
    if (sameStoredRule(rule, after)) return rule;
    changes.push({ category: rule.category, sourceId: rule.sourceId, sourceName: rule.sourceName, before: rule, after });
    return after;
  });
  return { rules, changes };
}

/** Words for a brought-up-to-date rule, for the Map and Preview pages. */
export function describeDraftChange(change: DraftRuleChange): string {
  const what = change.after.kind === "skip" ? "Do not import" : change.after.kind === "link" ? `Link to ${change.after.targetName ?? "a QuickBooks entry"}` : `Create new ${change.after.targetName ?? change.sourceName}`;
  return `${change.sourceName}: now "${what}" (the company's rule changed after this draft was mapped).`;
}

export interface DeliberateCreate {
  category: SnapshotRule["category"];
  sourceName: string;
  newName: string;
  /** The entity the company's rule links to now (usually one an earlier import created). */
  currentName: string;
}

/**
 * Creates that replace a saved link: the admin chose to create another entity for an actiTIME entity
 * that already has one. The Preview states each, with the entity its time moves away from.
 */
export function deliberateCreates(snapshot: readonly SnapshotRule[], saved: readonly SnapshotRule[]): DeliberateCreate[] {
  const savedByKey = new Map(saved.map((r) => [`${r.category}:${r.sourceId}`, r]));
  return snapshot.flatMap((rule) => {
    if (rule.kind !== "create" || rule.targetQboId) return [];
    const current = savedByKey.get(`${rule.category}:${rule.sourceId}`);
    if (!current || current.kind !== "link" || !current.targetQboId) return [];
    return [{ category: rule.category, sourceName: rule.sourceName, newName: rule.targetName ?? rule.sourceName, currentName: current.targetName ?? "its current QuickBooks entry" }];
  });
}

/** The saved rule rows of a company (with their last change), for upToDateDraftRules. */
export const savedRuleRows = listConnectionRules;
