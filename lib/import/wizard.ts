// The New Import wizard's rules, outside React: Select data → Map → Preview → Start. Each step saves
// to the draft in the database, so a reload or a second tab loses nothing. Drafts are private to
// their author.
import { z } from "zod";
import type { Db } from "@/db/client";
import { writeDraftMapping, writeDraftSelection } from "@/db/queries/drafts";
import { DraftChangedError, lockDraft, nextRevision, WizardError } from "./drafts";
import { getImport, type ImportRow } from "@/db/queries/imports";
import type { QboDirectory } from "@/lib/mapping/directory";
import { keepCreatedEntity, linkOnceCreated, mappingCategorySchema, sameStoredRule, snapshotFromRule, storedFromRule, type RuleForEntity, type SnapshotRule, type StoredRule } from "@/lib/mapping/rules";
import { parseApplyFrom } from "@/lib/mapping/edit";
import { formValues } from "@/lib/forms";
import { RULE_DIMENSION_META, RULE_DIMENSIONS, DIMENSION_EMPTY_VALUE } from "@/lib/mapping/rules";
import { targetNameOf, withDirectoryNames } from "@/lib/mapping/targets";
import { parseRuleFromForm, ruleFormKind, validateMapping, VENDOR_FORM_KIND, type FieldError } from "@/lib/mapping/validate";
import type { ActitimeClient } from "@/lib/actitime";
import type { FormInput } from "@/lib/forms";
import type { QboClient } from "@/lib/qbo/client";
import { refreshFactsForPreview } from "./company-check";
import type { Actor } from "./lifecycle";
import { datedSnapshot, listSavedRules, mapStepEntities } from "./mapping-step";
import { preparePreview, scopeOf, type ImportSelection, type PrepareDeps, type PreviewSummary } from "./prepare";
import type { MapApplyFrom } from "./snapshot";
import { readSource } from "./source";
import type { TimeDescriptionSettings } from "./types";

/** A month is typical; a year is the most one import may cover (beyond that, split the range). */
export { DraftChangedError, lockDraft, nextRevision, WizardError };

export const MAX_IMPORT_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;


const isoDate = (label: string) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .pipe(z.iso.date(`The ${label} must be a real date (YYYY-MM-DD)`));

/** Ids ticked in the form; anything else was not offered by the page (a tampered or stale post). */
export const MAX_SELECTED_IDS = 10_000;
const idList = (label: string) => {
  const invalid = `The chosen ${label}s are not valid. Reload the page and choose again.`;
  return z
    .array(z.coerce.number({ error: invalid }).int(invalid).positive(invalid), { error: invalid })
    .max(MAX_SELECTED_IDS, `Choose at most ${MAX_SELECTED_IDS.toLocaleString("en-US")} ${label}s, or all.`);
};

export const selectionInputSchema = z.object({
  dateFrom: isoDate("start date"),
  dateTo: isoDate("end date"),
  /** null = all (the default). */
  userIds: idList("user").nullable(),
  projectIds: idList("project").nullable(),
  leaveTypeIds: idList("leave type").nullable(),
  approvedOnly: z.boolean({ error: "Choose whether to import approved time only." }),
});
export type SelectionInput = z.infer<typeof selectionInputSchema>;

/** Calendar arithmetic on YYYY-MM-DD strings, in UTC so no time zone shifts a day. */
export function rangeDays(dateFrom: string, dateTo: string): number {
  return Math.round((Date.parse(`${dateTo}T00:00:00Z`) - Date.parse(`${dateFrom}T00:00:00Z`)) / DAY_MS) + 1;
}

export function checkSelection(raw: unknown): SelectionInput {
  const parsed = selectionInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WizardError(issue.message, String(issue.path[0] ?? "dateFrom"));
  }
  const s = parsed.data;
  const days = rangeDays(s.dateFrom, s.dateTo);
  if (days < 1) throw new WizardError("The end date is before the start date.", "dateTo");
  if (days > MAX_IMPORT_RANGE_DAYS) throw new WizardError(`One import covers at most ${MAX_IMPORT_RANGE_DAYS} days. Choose a shorter range, or import it in parts.`, "dateTo");
  for (const [key, label] of [["userIds", "user"], ["projectIds", "project"]] as const) {
    if (s[key] !== null && s[key].length === 0) throw new WizardError(`Choose at least one ${label}, or all.`, key);
  }
  return s;
}


/** The author's draft, or a clear refusal (another admin's draft is as good as missing). */
export async function getOwnDraft(db: Db, actor: Actor, importId: string): Promise<ImportRow> {
  const imp = await getImport(db, actor.accountId, importId, actor.adminId);
  if (!imp || imp.createdByAdminId !== actor.adminId) throw new WizardError("This import does not exist or belongs to another admin.");
  if (imp.status !== "draft") throw new WizardError("This import has already been started; its settings can no longer change.");
  return imp;
}

/** Step 1. A changed selection invalidates the preview (its items are dropped until it is rebuilt). */
export async function saveSelection(db: Db, actor: Actor, importId: string, raw: unknown): Promise<ImportRow> {
  const imp = await getOwnDraft(db, actor, importId);
  const s = checkSelection(raw);
  const selection: ImportSelection = { userIds: s.userIds, projectIds: s.projectIds, leaveTypeIds: s.leaveTypeIds, approvedOnly: s.approvedOnly };
  return db.transaction(async (tx) => {
    await lockDraft(tx, imp.id);
    return writeDraftSelection(tx, imp.id, { dateFrom: s.dateFrom, dateTo: s.dateTo, selection });
  });
}

export interface MapDraft {
  rules: SnapshotRule[];
  /** Earlier periods of dated rules in force inside the import's range (lib/import/mapping-step.ts datedSnapshot). */
  periods?: SnapshotRule[];
  errors?: FieldError[];
  /** The Map step's Apply from for the saved rules it changes (absent: all dates, none changed). */
  applyFrom?: MapApplyFrom;
}

/**
 * The saved rules the Map step's rules change (`category:sourceId`): what Apply from applies to. Only
 * what a rule does counts: a create kept on the entity it made reads as the link it is (linkOnceCreated),
 * and a link's or a Class / Location's name is a label (the Map form names them from QuickBooks' lists).
 */
export function changedSavedRules(rules: readonly RuleForEntity[], saved: readonly SnapshotRule[]): string[] {
  const savedByKey = new Map(saved.map((r) => [`${r.category}:${r.sourceId}`, r]));
  const effect = (stored: StoredRule): StoredRule => {
    const rule = linkOnceCreated(stored);
    const dimensions = rule.dimensions && Object.fromEntries(Object.entries(rule.dimensions).map(([d, choice]) => [d, choice ? { qboId: choice.qboId, name: "" } : choice]));
    return { ...rule, ...(rule.kind === "link" ? { targetName: null } : {}), ...(dimensions ? { dimensions } : {}) };
  };
  return rules.flatMap(({ category, sourceId, rule }) => {
    const before = savedByKey.get(`${category}:${sourceId}`);
    return before && !sameStoredRule(effect(before), effect(storedFromRule(rule))) ? [`${category}:${sourceId}`] : [];
  });
}

/**
 * The map step's form: fields named `r:<category>:<sourceId>:<field>`. `saved` are the company's
 * rules: a create rule that keeps its name and parent keeps the entity an earlier import created,
 * so re-running never creates it again nor moves its activities.
 */
export function rulesFromForm(
  form: FormInput,
  names: ReadonlyMap<string, string>,
  directory: QboDirectory,
  saved: readonly SnapshotRule[] = [],
): { rules: RuleForEntity[]; errors: FieldError[] } {
  const savedByKey = new Map(saved.map((r) => [`${r.category}:${r.sourceId}`, r]));
  const grouped = new Map<string, Record<string, string>>();
  for (const [key, value] of form instanceof FormData ? form.entries() : Object.entries(form)) {
    const match = /^r:([a-z_]+):(\d+):([A-Za-z]+)$/.exec(key);
    if (!match || typeof value !== "string") continue;
    const id = `${match[1]}:${match[2]}`;
    grouped.set(id, { ...grouped.get(id), [match[3]!]: value });
  }
  const rules: RuleForEntity[] = [];
  const errors: FieldError[] = [];
  for (const [id, fields] of grouped) {
    const [category, sourceIdText] = id.split(":") as [string, string];
    const known = mappingCategorySchema.safeParse(category);
    if (!known.success) continue;
    const cat = known.data;
    const sourceId = Number(sourceIdText);
    const sourceName = names.get(id);
    if (sourceName === undefined) continue; // not an entity of this import: ignored, never trusted
    // A link's name comes from QBO's list, not from the form.
    const vendor = fields.kind === VENDOR_FORM_KIND.link;
    const parsed = parseRuleFromForm({ ...fields, targetName: (fields.targetQboId && targetNameOf(cat, directory, fields.targetQboId, vendor ? "Vendor" : null)) || "" });
    if (!parsed.ok) {
      for (const e of parsed.errors) errors.push({ category: cat, sourceId, field: e.field, message: e.message });
      continue;
    }
    const before = savedByKey.get(id);
    // Class / Location names from QuickBooks; the saved rule's choices stay for what is not tracked (not shown).
    const named = withDirectoryNames(cat, parsed.rule, directory, before);
    rules.push({ category: cat, sourceId, sourceName, rule: before ? keepCreatedEntity(named, before) : named });
  }
  if (errors.length === 0) {
    const checked = validateMapping({ rules, directory });
    if (!checked.ok) errors.push(...checked.errors);
  }
  return { rules, errors };
}

/** Step 2 (Confirm Mapping & Continue). Saves the rules even when some are refused, so nothing typed is lost. */
export async function saveMapping(db: Db, actor: Actor, importId: string, rules: RuleForEntity[], errors: FieldError[], applyFrom?: MapApplyFrom, refused = false): Promise<boolean> {
  const imp = await getOwnDraft(db, actor, importId);
  if (imp.step === "select" || !imp.dateFrom) throw new WizardError("Choose the data to import first.");
  const dated = await datedSnapshot(db, imp.connectionId, rules.map(snapshotFromRule), { dateFrom: imp.dateFrom, dateTo: imp.dateTo ?? imp.dateFrom }, applyFrom);
  const draft: MapDraft = { rules: dated.rules, ...(dated.periods.length > 0 ? { periods: dated.periods } : {}), errors: errors.length > 0 ? errors : undefined, ...(applyFrom ? { applyFrom } : {}) };
  const ok = errors.length === 0 && !refused;
  await db.transaction(async (tx) => {
    await lockDraft(tx, imp.id);
    await writeDraftMapping(tx, imp.id, draft, ok ? "preview" : "map");
  });
  return ok;
}

/** The map step's form fields of one rule (what the Map form posts for it): rulesFromForm's inverse. */
export function ruleFormFields({ category, sourceId, rule }: RuleForEntity): Record<string, string> {
  const field = (name: string) => `r:${category}:${sourceId}:${name}`;
  const fields: Record<string, string> = { [field("kind")]: ruleFormKind(rule) };
  for (const dimension of RULE_DIMENSIONS) {
    const choice = rule.dimensions?.[dimension];
    if (choice !== undefined) fields[field(RULE_DIMENSION_META[dimension].formField)] = choice === null ? DIMENSION_EMPTY_VALUE : choice.qboId;
  }
  if (rule.kind === "link") fields[field("targetQboId")] = rule.targetQboId;
  if (rule.kind === "create") {
    fields[field("name")] = rule.name;
    if (rule.parentQboId) fields[field("parentQboId")] = rule.parentQboId;
    if (rule.incomeAccountId !== undefined) fields[field("incomeAccountId")] = rule.incomeAccountId;
    if (rule.unitPrice !== undefined) fields[field("unitPrice")] = String(rule.unitPrice);
    if (rule.targetQboId) fields[field("targetQboId")] = rule.targetQboId;
  }
  return fields;
}

export interface ConfirmMappingDeps {
  db: Db;
  qbo: QboClient;
  actitime: ActitimeClient;
  /** The company's QuickBooks lists as the Map page offered them. */
  directory: QboDirectory;
  settings: TimeDescriptionSettings;
  /** Re-read the company's facts (time tracking, closed books) for the preview's checks; default true. */
  refreshFacts?: boolean;
  /** Tests only: adjust the targets resolved from the rules (see PreviewDeps.targets). */
  targets?: PrepareDeps["targets"];
}

export type ConfirmMappingResult =
  | { ok: true; summary: PreviewSummary }
  | { ok: false; reason: "no_selection" }
  | { ok: false; reason: "invalid"; errors: FieldError[] }
  /** Apply from a date without a real date (the rules are kept on the draft). */
  | { ok: false; reason: "apply_from"; message: string };

/**
 * Step 2 → Step 3, Confirm Mapping & Continue: the posted rules are read for the entities of the
 * draft's selection only, validated against QuickBooks and the company's rules, saved to the draft
 * (even when refused, so nothing typed is lost), and the preview is built. Throws DraftChangedError
 * or LeftoversUnsettledError as the draft's lock and the last import's outcomes require.
 */
export async function confirmMapping(deps: ConfirmMappingDeps, actor: Actor, importId: string, form: FormInput): Promise<ConfirmMappingResult> {
  const { db, qbo, actitime, directory } = deps;
  const imp = await getOwnDraft(db, actor, importId);
  if (!imp.dateFrom || imp.step === "select") return { ok: false, reason: "no_selection" };
  const [source, saved] = await Promise.all([
    readSource(actitime, scopeOf(imp)),
    listSavedRules(db, imp.connectionId),
    deps.refreshFacts === false ? null : refreshFactsForPreview(db, imp.connectionId, qbo),
  ]);
  const entities = mapStepEntities(source, saved, directory);
  const names = new Map(entities.map((e) => [`${e.category}:${e.sourceId}`, e.name]));
  const { rules, errors } = rulesFromForm(form, names, directory, saved);
  // Apply from (issue 19 §2), as in Settings: for the saved rules this changes; all dates by default.
  // A date that is no date refuses the step (the rules are kept on the draft, nothing applied).
  const applyFrom = parseApplyFrom(formValues(form));
  const applied: MapApplyFrom | undefined = applyFrom.ok ? { validFrom: applyFrom.validFrom, keys: changedSavedRules(rules, saved) } : undefined;
  if (!(await saveMapping(db, actor, importId, rules, errors, applied, !applyFrom.ok))) {
    return errors.length > 0 || applyFrom.ok ? { ok: false, reason: "invalid", errors } : { ok: false, reason: "apply_from", message: applyFrom.problem.message };
  }
  const fresh = await getOwnDraft(db, actor, importId);
  return { ok: true, summary: await preparePreview({ db, qbo, actitime, directory, source, ...(deps.targets ? { targets: deps.targets } : {}) }, fresh, deps.settings) };
}
