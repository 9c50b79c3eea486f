// A scheduled run (issue 18 §1) is an ordinary import: a draft made as the admin who set the
// Schedule, the window as its selection, the company's saved rules only, the same preview, Checks,
// Start and runner. actiTIME entities without a rule are left out and listed as Needs mapping. It
// never overlaps another import on the company: it waits (bounded, abortable) and otherwise is
// skipped with a row saying why. Every slot is claimed once (import_schedules.last_slot_at moved
// forward by a conditional update; scheduled_runs unique per slot), so a repeated tick starts nothing.
import type { Db } from "@/db/client";
import { deleteDraftIfStill, getActiveImport, getImport } from "@/db/queries/imports";
import { getAdminById } from "@/db/queries/accounts";
import { activeSchedules, claimScheduleSlot, recordScheduledRun, type ScheduleRow } from "@/db/queries/schedules";
import { getConnectionById, type QboConnection } from "@/db/queries/connections";
import { getPlannerTimeSettings } from "@/db/queries/mappings";
import type { ActitimeClient } from "@/lib/actitime";
import type { QboClient } from "@/lib/qbo/client";
import { loadQboDirectory } from "@/lib/qbo/directory";
import { MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";
import { blockedReason, preflightChecks } from "@/lib/import/checks";
import { refreshFactsForPreview } from "@/lib/import/company-check";
import { createDraft, ImportRuleError, startImport, type Actor } from "@/lib/import/lifecycle";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { preparePreview, scopeOf } from "@/lib/import/prepare";
import { readSource } from "@/lib/import/source";
import { saveMapping, saveSelection, WizardError } from "@/lib/import/wizard";
import { dueSlot, windowFor } from "./due";
import { sleep } from "@/lib/sleep";

export type { ScheduleRow };

import type { NeedsMappingEntry } from "@/db/types";
export type { NeedsMappingEntry };

export interface ScheduledRunDeps {
  db: Db;
  qboFor: (connection: QboConnection) => QboClient;
  actitimeFor: (accountId: string, adminId: string) => Promise<ActitimeClient>;
  requestRun: (data: { importId: string; connectionId: string }) => Promise<void>;
  now?: () => Date;
  /** How long to wait for another import on the company before skipping (default 10 minutes). */
  waitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export const SCHEDULED_RUN_WAIT_MS = 10 * 60_000;
const SCHEDULED_RUN_POLL_MS = 5_000;

export type ScheduledRunResult =
  | { outcome: "not_due" }
  | { outcome: "started"; importId: string; needsMapping: NeedsMappingEntry[] }
  | { outcome: "skipped" | "blocked" | "failed"; message: string; needsMapping?: NeedsMappingEntry[] };

/** Schedules whose slot is due at `now`, for companies still connected. */
export async function dueSchedules(db: Db, now: Date): Promise<{ connectionId: string; slotAt: Date }[]> {
  const due: { connectionId: string; slotAt: Date }[] = [];
  for (const schedule of await activeSchedules(db)) {
    const slot = dueSlot(schedule, now);
    if (slot) due.push({ connectionId: schedule.connectionId, slotAt: slot });
  }
  return due;
}

/** Inngest event id of a due slot: the same slot always gets the same id, so a repeated tick is dropped. */
export function scheduledRunEventId(connectionId: string, slotAt: Date): string {
  return `scheduled-import:${connectionId}:${slotAt.toISOString()}`;
}

async function record(db: Db, schedule: ScheduleRow, slotAt: Date, outcome: "started" | "skipped" | "blocked" | "failed", fields: { importId?: string; message?: string; needsMapping?: NeedsMappingEntry[] }) {
  await recordScheduledRun(db, { connectionId: schedule.connectionId, slotAt, outcome, setByAdminId: schedule.setByAdminId, importId: fields.importId ?? null, message: fields.message ?? null, needsMapping: fields.needsMapping?.length ? fields.needsMapping : null });
}

/** Runs the schedule's slot `slotAt` for the company, once. */
export async function runScheduledImport(deps: ScheduledRunDeps, connectionId: string, slotAt: Date): Promise<ScheduledRunResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const claimed = await claimScheduleSlot(db, connectionId, slotAt);
  if (!claimed) return { outcome: "not_due" };
  const done = async (outcome: "skipped" | "blocked" | "failed", message: string, needsMapping?: NeedsMappingEntry[]): Promise<ScheduledRunResult> => {
    await record(db, claimed, slotAt, outcome, { message, needsMapping });
    return { outcome, message, needsMapping };
  };

  const connection = await getConnectionById(db, connectionId);
  if (!connection || connection.status !== "connected") return done("blocked", "The company needs to be connected again (Companies → Reconnect); the scheduled import did not run.");
  const setter = claimed.setByAdminId ? await getAdminById(db, claimed.setByAdminId) : undefined;
  if (!setter || setter.accountId !== connection.accountId) return done("failed", "The admin who set this Schedule is no longer an admin of this account. Open Settings → Schedule and save it again.");
  const actor: Actor = { accountId: connection.accountId, adminId: setter.id };

  // Never beside another import on this company: wait for it (bounded), else skip.
  const deadline = now().getTime() + (deps.waitMs ?? SCHEDULED_RUN_WAIT_MS);
  for (;;) {
    const active = await getActiveImport(db, connectionId);
    if (!active) break;
    if (now().getTime() >= deadline) {
      return done("skipped", `Another import was running on this company (started ${active.startedAt?.toISOString().slice(0, 16).replace("T", " ") ?? "earlier"} UTC) and did not finish in time, so this scheduled run was skipped. The next run imports its window again.`);
    }
    await sleep(Math.min(deps.pollMs ?? SCHEDULED_RUN_POLL_MS, Math.max(1, deadline - now().getTime())), deps.signal);
  }

  let draftId: string | null = null;
  const discard = async () => {
    if (draftId) await deleteDraftIfStill(db, draftId);
  };
  try {
    const range = windowFor(claimed, slotAt);
    const draft = await createDraft(db, actor, connectionId);
    draftId = draft.id;
    await saveSelection(db, actor, draft.id, { ...range, userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: claimed.approvedOnly });
    const qbo = deps.qboFor(connection);
    const actitime = await deps.actitimeFor(actor.accountId, actor.adminId);
    const selected = (await getImport(db, actor.accountId, draft.id, actor.adminId))!;
    const [firstSource, directory, saved] = await Promise.all([readSource(actitime, scopeOf(selected)), loadQboDirectory(db, connectionId, qbo, { refresh: true }), listSavedRules(db, connectionId), refreshFactsForPreview(db, connectionId, qbo)]);
    let source = firstSource;
    let entities = mapStepEntities(source, saved, directory);
    const needsMapping = entities.filter((e) => !e.saved).map((e) => ({ category: e.category, sourceId: e.sourceId, name: e.name, hours: e.hours }));
    if (needsMapping.length > 0) {
      // Left out, not "no longer wanted": the selection narrows to the mapped users, projects and leave
      // types, so what an earlier import wrote for an unmapped one stays in QuickBooks untouched.
      if (needsMapping.some((e) => e.category === "type_of_work")) {
        await discard();
        return done("blocked", `Some types of work have no rule yet (${needsMapping.filter((e) => e.category === "type_of_work").map((e) => e.name).join(", ")}). Map them (New Import → Map, or Settings) so the scheduled import can run.`, needsMapping);
      }
      const mappedIds = (category: MappingCategory) => (needsMapping.some((e) => e.category === category) ? entities.filter((e) => e.category === category && e.saved).map((e) => e.sourceId) : null);
      const userIds = mappedIds("user");
      const projectIds = mappedIds("project");
      if (userIds?.length === 0 || projectIds?.length === 0) {
        await discard();
        return done("blocked", "No user or project in the window has a rule yet, so there is nothing to import. Map them first.", needsMapping);
      }
      await saveSelection(db, actor, draft.id, { ...range, userIds, projectIds, leaveTypeIds: mappedIds("leave_type"), approvedOnly: claimed.approvedOnly });
      source = await readSource(actitime, scopeOf((await getImport(db, actor.accountId, draft.id, actor.adminId))!));
      entities = mapStepEntities(source, saved, directory);
    }
    const rules = entities.flatMap((e) => (e.saved ? [e.saved] : []));
    await saveMapping(db, actor, draft.id, rules, []);
    const mapped = (await getImport(db, actor.accountId, draft.id, actor.adminId))!;
    await preparePreview({ db, qbo, actitime, directory, source }, mapped, await getPlannerTimeSettings(db, connectionId));
    const previewed = (await getImport(db, actor.accountId, draft.id, actor.adminId))!;
    const fresh = await getConnectionById(db, connectionId);
    const blocked = blockedReason(await preflightChecks(db, previewed, fresh!, now()));
    if (blocked) {
      await discard();
      return done("blocked", blocked.replace(/^Start Import is unavailable: /, "A pre-flight check blocked the scheduled import: "), needsMapping);
    }
    const started = await startImport(db, actor, draft.id, now());
    await record(db, claimed, slotAt, "started", { importId: started.id, needsMapping });
    await deps.requestRun({ importId: started.id, connectionId });
    return { outcome: "started", importId: started.id, needsMapping };
  } catch (error) {
    await discard().catch(() => undefined);
    if (error instanceof ImportRuleError && error.code === "already_running") return done("skipped", `${error.message} This scheduled run was skipped.`);
    if (error instanceof ImportRuleError || error instanceof WizardError) return done("failed", error.message);
    return done("failed", `The scheduled import could not be prepared: ${error instanceof Error ? error.message.slice(0, 300) : "unexpected error"}.`);
  }
}

/** "3 users, 1 project" — for banners and e-mails. */
export function needsMappingText(entries: readonly NeedsMappingEntry[]): string {
  const counts = new Map<MappingCategory, number>();
  for (const e of entries) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${n} ${n === 1 ? MAPPING_CATEGORY_META[c].sourceNoun : MAPPING_CATEGORY_META[c].label.toLowerCase()}`).join(", ");
}
