// Undo one import (issue 17 §3). An undo is an `imports` row of kind `undo` whose import_items are
// computed from the ledger history of the import it undoes; it is then started and executed by the
// same executor as any import, so leases, claims, fenced commits, reconciliation and Interrupt apply
// unchanged, and its own commits write ledger history too (an undo can be undone).
//
// Per ledger key the import changed, B = the ledger row before the import (its earliest history row),
// L = the ledger row now:
//   B none, L none     nothing left to do
//   B none, L          delete L (or only the ledger row when QuickBooks no longer has it)
//   B, L none          re-create B (not when the import only dropped a row QuickBooks no longer had)
//   B, L               update L's activity back to B's content (nothing when it already is)
// Billed in QuickBooks now → left alone (skipped_billed). Entities the import created stay.
// Re-running an interrupted undo computes the same way: what the first run already put back is
// "nothing left to do", so it finishes exactly.
import type { Db } from "@/db/client";
import { ledgerVersionOf, LEDGER_MOVED_MESSAGE } from "@/db/queries/import-run";
import { deleteDraftIfStill, getActiveImport, getImport, type ImportRow } from "@/db/queries/imports";
import {
  entitiesCreatedBy,
  hasCompletedUndo,
  historyOfImport,
  insertUndoDraft,
  laterHistoryOfKeys,
  ledgerDatesOfKeys,
  ledgerSnapshotsOfKeys,
  undoIdsOf,
} from "@/db/queries/undo";
import type { QboClient } from "@/lib/qbo/client";
import { ImportRuleError, startImport, type Actor } from "./lifecycle";
import { readActivitiesById } from "./qbo-activity";
import { refNames } from "./ref-names";
import type { ActivityItemPayload, DesiredActivity, WrittenActivity } from "./types";
import { snapshotRulesOf } from "./snapshot";
import { summaryNamesOf, type UndoStepKind, type UndoSummary } from "@/db/types";

export const UNDO_BILLED_NOTE = "Billed in QuickBooks: left as it is.";

export type { UndoStepKind, UndoSummary };

export interface UndoStep {
  key: string;
  kind: UndoStepKind;
  /** The activity now (what undo deletes or changes); null when there is none. */
  now: WrittenActivity | null;
  /** What it goes back to; null for a delete. */
  back: WrittenActivity | null;
  qboId: string | null;
  syncToken?: string;
  /** A delete of an activity QuickBooks no longer has: only the ledger row goes. */
  ledgerOnly?: boolean;
  /** Why nothing is done, in words. */
  note?: string;
  activity?: DesiredActivity;
}

export interface UndoPlan {
  target: ImportRow;
  /** Set when undo is refused: why, in words. Nothing else is meaningful then. */
  refusal?: string;
  steps: UndoStep[];
  entitiesCreated: { entity: string; name: string; qboId: string | null }[];
  counts: Record<UndoStepKind, number>;
  ledgerVersion: number;
}

/** Stable JSON (jsonb does not keep key order). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function undoTitle(imp: Pick<ImportRow, "dateFrom" | "dateTo">): string {
  return `Undo of ${imp.dateFrom} – ${imp.dateTo}`;
}

/** Why this import cannot be undone now (in words), or undefined. Reads only the database. */
async function refusalOf(db: Db, target: ImportRow): Promise<string | undefined> {
  if (target.status === "draft") return "Only a started import can be undone.";
  if (target.status === "running" || target.status === "interrupting") return "This import is still running. Wait until it has ended (or interrupt it), then undo it.";
  if (await getActiveImport(db, target.connectionId)) return "Another import is running for this company. Try again when it has finished.";
  const own = await historyOfImport(db, target.id);
  if (own.length === 0) return "This import changed no activity in QuickBooks: there is nothing to undo.";
  const keys = [...new Set(own.map((h) => h.sourceKey))];
  // Undos of this very import (an interrupted one being finished) do not count as later changes.
  const undoIds = new Set(await undoIdsOf(db, target.id));
  const later = (await laterHistoryOfKeys(db, target.connectionId, keys, own[0]!.id, target.id)).filter((r) => !undoIds.has(r.importId));
  if (later.length === 0) return (await hasCompletedUndo(db, target.id)) ? "This import has already been undone." : undefined;
  const byImport = new Map<string, { title: string; dates: Set<string> }>();
  const ownByKey = new Map(own.map((h) => [h.sourceKey, h]));
  const dateOf = await ledgerDatesOfKeys(db, target.connectionId, [...new Set(later.map((r) => r.sourceKey))]);
  for (const r of later) {
    const entry = byImport.get(r.importId) ?? { title: r.kind === "undo" ? `the undo started ${r.startedAt?.toISOString().slice(0, 10) ?? ""}` : `the import of ${r.dateFrom} – ${r.dateTo}`, dates: new Set<string>() };
    const before = ownByKey.get(r.sourceKey)?.before;
    entry.dates.add(dateOf.get(r.sourceKey) ?? before?.txnDate ?? r.sourceKey);
    byImport.set(r.importId, entry);
  }
  const parts = [...byImport.values()].map((e) => {
    const dates = [...e.dates].sort();
    return `${e.title} (${dates.length} ${dates.length === 1 ? "activity" : "activities"}, dated ${dates.slice(0, 5).join(", ")}${dates.length > 5 ? ", …" : ""})`;
  });
  return `A later import changed activities this import wrote: ${parts.join("; ")}. Undo that one first, or import this range again instead.`;
}

/** What undoing `targetId` will do, exactly: read from the ledger history, the ledger and QuickBooks (one bulk read). */
export async function planUndo(db: Db, qbo: Pick<QboClient, "query">, actor: Actor, targetId: string, signal?: AbortSignal): Promise<UndoPlan | undefined> {
  const target = await getImport(db, actor.accountId, targetId, actor.adminId);
  if (!target) return undefined;
  const ledgerVersion = await ledgerVersionOf(db, target.connectionId);
  const counts: Record<UndoStepKind, number> = { delete: 0, restore: 0, recreate: 0, billed: 0, nothing: 0 };
  const entitiesCreated = await entitiesCreatedBy(db, target.id);
  const refusal = await refusalOf(db, target);
  if (refusal) return { target, refusal, steps: [], entitiesCreated, counts, ledgerVersion };

  const history = await historyOfImport(db, target.id);
  const first = new Map<string, (typeof history)[number]>();
  for (const h of history) if (!first.has(h.sourceKey)) first.set(h.sourceKey, h);
  const keys = [...first.keys()];
  const current = await ledgerSnapshotsOfKeys(db, target.connectionId, keys);
  const inQbo = await readActivitiesById(qbo, [...current.values()].map((c) => c.qboId), signal);

  const steps: UndoStep[] = [];
  for (const key of keys) {
    const h = first.get(key)!;
    const before = h.before;
    const now = current.get(key);
    const ta = now ? inQbo.get(now.qboId) : undefined;
    const back: DesiredActivity | undefined = before ? { ...before.written, key, sources: before.sources } : undefined;
    let step: UndoStep;
    if (!before && !now) step = { key, kind: "nothing", now: null, back: null, qboId: null, note: "Already deleted." };
    else if (!before && now) {
      if (ta?.BillableStatus === "HasBeenBilled") step = { key, kind: "billed", now: now.written, back: null, qboId: now.qboId, note: UNDO_BILLED_NOTE };
      else step = { key, kind: "delete", now: now.written, back: null, qboId: now.qboId, syncToken: ta?.SyncToken ?? now.syncToken, ledgerOnly: !ta };
    } else if (before && !now) {
      if (h.ledgerOnly) step = { key, kind: "nothing", now: null, back: before.written, qboId: null, note: "QuickBooks no longer had this activity before the import: nothing to put back." };
      else step = { key, kind: "recreate", now: null, back: before.written, qboId: null, activity: back };
    } else {
      const same = canonical(before!.written) === canonical(now!.written) && canonical(before!.sources) === canonical(now!.sources);
      if (same && ta) step = { key, kind: "nothing", now: now!.written, back: before!.written, qboId: now!.qboId, note: "Already as it was before the import." };
      else if (ta?.BillableStatus === "HasBeenBilled") step = { key, kind: "billed", now: now!.written, back: before!.written, qboId: now!.qboId, note: UNDO_BILLED_NOTE };
      else if (!ta) step = { key, kind: "recreate", now: null, back: before!.written, qboId: null, activity: back };
      else step = { key, kind: "restore", now: now!.written, back: before!.written, qboId: now!.qboId, syncToken: ta.SyncToken, activity: back };
    }
    counts[step.kind]++;
    steps.push(step);
  }
  steps.sort((a, b) => ((a.back ?? a.now)?.txnDate ?? "").localeCompare((b.back ?? b.now)?.txnDate ?? "") || a.key.localeCompare(b.key));
  return { target, steps, entitiesCreated, counts, ledgerVersion };
}

/** The undo's import_items (TimeActivity only; entities stay). */
function itemsOf(importId: string, steps: UndoStep[]) {
  return steps
    .filter((s) => s.kind !== "nothing")
    .map((s, seq) => {
      const base = { importId, seq, entity: "TimeActivity" as const, sourceKey: s.key, before: s.now ? { written: s.now, hours: s.now.hours + s.now.minutes / 60 } : null };
      switch (s.kind) {
        case "delete":
          return { ...base, operation: "delete" as const, status: "pending" as const, qboId: s.qboId, desired: { syncToken: s.syncToken, ledgerOnly: s.ledgerOnly } satisfies ActivityItemPayload };
        case "restore":
          return { ...base, operation: "update" as const, status: "pending" as const, qboId: s.qboId, desired: { activity: s.activity, syncToken: s.syncToken } satisfies ActivityItemPayload };
        case "recreate":
          return { ...base, operation: "create" as const, status: "pending" as const, desired: { activity: s.activity } satisfies ActivityItemPayload };
        default:
          return {
            ...base,
            operation: (s.back ? "update" : "delete") as "update" | "delete",
            status: "skipped_billed" as const,
            qboId: s.qboId,
            desired: (s.back ? { activity: { ...s.back, key: s.key, sources: { userIds: [], projectIds: [], leaveTypeIds: [], taskIds: [], typeOfWorkIds: [], recordCount: 0 } } } : {}) satisfies ActivityItemPayload,
            errorMessage: s.note ?? UNDO_BILLED_NOTE,
          };
      }
    });
}

/**
 * Start Undo: the plan computed again now (refused when the ledger moved since the preview the admin
 * saw, `expectedLedgerVersion`), stored as an undo import with its items, and started like an import.
 * The caller then asks the runner to run it (requestImportRun).
 */
export async function startUndo(db: Db, qbo: Pick<QboClient, "query">, actor: Actor, targetId: string, expectedLedgerVersion?: number, now = new Date()): Promise<ImportRow> {
  const plan = await planUndo(db, qbo, actor, targetId);
  if (!plan) throw new ImportRuleError("not_found", "This import does not exist.");
  if (plan.refusal) throw new ImportRuleError("not_ready", plan.refusal);
  if (expectedLedgerVersion !== undefined && plan.ledgerVersion !== expectedLedgerVersion) throw new ImportRuleError("stale_preview", LEDGER_MOVED_MESSAGE);
  const work = plan.steps.filter((s) => s.kind === "delete" || s.kind === "restore" || s.kind === "recreate").length;
  if (work === 0) throw new ImportRuleError("not_ready", "Nothing is left to undo: every activity is already as it was before this import (or billed).");
  const target = plan.target;
  const targetSummary = summaryNamesOf(target.summary);
  // Names of what the undo writes: its ledger refs are QuickBooks ids (`qbo:…`), also for entities the target created.
  const names = new Map([...refNames(snapshotRulesOf(target)), ...Object.entries(targetSummary.names)]);
  for (const e of plan.entitiesCreated) if (e.qboId && e.name) names.set(`qbo:${e.qboId}`, e.name);
  const summary: UndoSummary = {
    kind: "undo",
    undoOf: { importId: target.id, dateFrom: target.dateFrom, dateTo: target.dateTo },
    previewedAt: now.toISOString(),
    counts: plan.counts,
    entitiesKept: plan.entitiesCreated.length,
    names: Object.fromEntries(names),
    namesByRole: targetSummary.namesByRole,
  };
  const draft = await insertUndoDraft(
    db,
    {
      accountId: actor.accountId,
      connectionId: target.connectionId,
      createdByAdminId: actor.adminId,
      undoOfImportId: target.id,
      dateFrom: target.dateFrom,
      dateTo: target.dateTo,
      summary,
      ledgerVersionSeen: plan.ledgerVersion,
      progressTotal: work,
      skippedBilledCount: plan.counts.billed,
      createdAt: now,
      updatedAt: now,
    },
    (importId) => itemsOf(importId, plan.steps),
  );
  try {
    return await startImport(db, actor, draft.id, now);
  } catch (error) {
    // Not started (another import began, the ledger moved): the undo draft is not kept.
    await deleteDraftIfStill(db, draft.id);
    throw error;
  }
}
