import Link from "next/link";
import { Button } from "@/app/_components/ui";
import type { MappingRuleListRow } from "@/db/queries/mappings";
import type { QboDirectory } from "@/lib/mapping/directory";
import { qboNameMaxChars, sanitizeQboName } from "@/lib/mapping/names";
import { DIMENSION_CATEGORIES, DIMENSION_EMPTY_VALUE, MAPPING_CATEGORY_META, MAPPING_RULE_KINDS, RULE_DIMENSION_META, RULE_DIMENSIONS, ruleKindLabel, type MappingCategory } from "@/lib/mapping/rules";
import { dimensionTargets, ruleTargets, vendorTargets, type TargetOption as SelectOption } from "@/lib/mapping/targets";
import { ruleFormKind, VENDOR_FORM_KIND } from "@/lib/mapping/validate";
import { RuleForm, type DimensionField, type RuleFormField } from "../rule-form";

/** Long option lists are cut here; the `q` search narrows them. */
const OPTION_LIMIT = 500;

export function EditPanel({
  rule,
  category,
  connectionId,
  directory,
  payrollOn,
  param,
  formError,
}: {
  rule: MappingRuleListRow;
  category: MappingCategory;
  connectionId: string;
  directory: QboDirectory;
  payrollOn: boolean;
  param: (key: string) => string | undefined;
  formError: { field: RuleFormField; message: string } | null;
}) {
  const meta = MAPPING_CATEGORY_META[category];
  const slug = meta.slug;
  const state = rule;
  const options = state.createOptions ?? {};
  const text = (value: string | number | undefined) => (value === undefined ? "" : String(value));
  const initial = {
    kind: param("kind") ?? ruleFormKind(state),
    name: param("name") ?? (state.kind === "create" ? (state.targetName ?? "") : sanitizeQboName(rule.sourceName, meta.nameKind)),
    targetQboId: param("targetQboId") ?? (state.kind === "link" ? (state.targetQboId ?? "") : ""),
    // (a vendor link's target is a vendor's Id; the form shows it in the vendor list)
    parentQboId: param("parentQboId") ?? text(options.parentQboId),
    incomeAccountId: param("incomeAccountId") ?? text(options.incomeAccountId),
    unitPrice: param("unitPrice") ?? text(options.unitPrice),
  };
  const q = (param("q") ?? "").trim();
  const lists = ruleTargets(category, directory);
  const targets = limited(filterOptions(lists.links, q), initial.targetQboId);
  const parents = lists.parents === null ? null : limited(filterOptions(lists.parents, q), initial.parentQboId);
  const incomeAccounts = lists.incomeAccounts;
  const kinds: { value: string; label: string }[] = MAPPING_RULE_KINDS.filter((kind) => !(kind === "create" && category === "user" && payrollOn && !(state.kind === "create" && state.nameOf !== "Vendor"))).map((kind) => ({
    value: kind,
    label: ruleKindLabel(category, kind),
  }));
  // Contractors (issue 19): users may be QuickBooks vendors; Create new QB Vendor stays offered under Payroll.
  if (category === "user") {
    kinds.splice(kinds.length - 1, 0, { value: VENDOR_FORM_KIND.link, label: ruleKindLabel(category, "link", false, "Vendor") }, { value: VENDOR_FORM_KIND.create, label: ruleKindLabel(category, "create", false, "Vendor") });
  }
  const vendors = category === "user" ? limited(filterOptions(vendorTargets(directory), q), initial.targetQboId) : null;
  const tracked = dimensionTargets(directory);
  const dimensions: DimensionField[] = DIMENSION_CATEGORIES.includes(category)
    ? RULE_DIMENSIONS.flatMap((dimension) => {
        const options = tracked[dimension];
        if (!options) return []; // not tracked by the company: hidden entirely
        const meta = RULE_DIMENSION_META[dimension];
        const choice = rule.dimensions?.[dimension];
        const saved = choice === undefined ? "" : choice === null ? DIMENSION_EMPTY_VALUE : choice.qboId;
        const noun = meta.label.toLowerCase();
        return [
          {
            dimension,
            label: meta.label,
            field: meta.formField,
            options: limited({ all: options, shown: options }, saved).options,
            initial: param(meta.formField) ?? saved,
            emptyValue: DIMENSION_EMPTY_VALUE,
            noRuleLabel: category === "project" ? `No rule: use the user's ${noun}, if any` : `No ${noun} rule`,
          },
        ];
      })
    : [];
  const searchId = `rule-${rule.id}-search`;
  const nameHint = `Up to ${qboNameMaxChars(meta.nameKind)} characters; no colon (:), tab or line break; not already used in QuickBooks.`;

  return (
    <div className="space-y-4 rounded-md border border-slate-200 bg-white p-4">
      <form method="get" action={`/settings/${slug}`} className="flex flex-wrap items-end gap-2" role="search">
        <input type="hidden" name="edit" value={rule.id} />
        <input type="hidden" name="kind" value={initial.kind === "skip" ? "link" : initial.kind} />
        <div>
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-700">
            Search the QuickBooks lists
          </label>
          <input
            id={searchId}
            name="q"
            type="search"
            defaultValue={q}
            placeholder={`${meta.qboNoun} name`}
            className="mt-1 block w-64 rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-600/30"
          />
        </div>
        <Button variant="secondary" type="submit">
          Search
        </Button>
        {q !== "" ? (
          <Link href={`/settings/${slug}?edit=${rule.id}&kind=${encodeURIComponent(initial.kind)}#rule-${rule.id}`} className="px-2 py-2 text-sm text-slate-700 hover:underline">
            Clear search
          </Link>
        ) : null}
      </form>
      <RuleForm
        key={`${rule.id}:${q}:${formError?.message ?? ""}`}
        connectionId={connectionId}
        ruleId={rule.id}
        sourceName={rule.sourceName}
        kinds={kinds}
        initial={initial}
        targets={targets.options}
        targetNoun={meta.qboSubNoun ? `${meta.qboNoun.toLowerCase()} or ${meta.qboSubNoun.toLowerCase()}` : meta.qboNoun.toLowerCase()}
        parents={parents?.options ?? null}
        parentNoun={meta.parentNoun ?? "entry"}
        incomeAccounts={incomeAccounts}
        vendorTargets={vendors?.options ?? null}
        dimensions={dimensions}
        nameHint={nameHint}
        listsTruncated={targets.truncated || (parents?.truncated ?? false)}
        error={formError}
        cancelHref={`/settings/${slug}#rule-${rule.id}`}
        applyFrom={{ choice: param("applyFrom"), date: param("applyFromDate") }}
      />
    </div>
  );
}

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function filterOptions(options: SelectOption[], q: string): { all: SelectOption[]; shown: SelectOption[] } {
  if (q === "") return { all: options, shown: options };
  const needle = fold(q);
  return { all: options, shown: options.filter((o) => fold(o.label).includes(needle)) };
}

/** At most OPTION_LIMIT options, always keeping the one already chosen. */
function limited(list: { all: SelectOption[]; shown: SelectOption[] }, selected: string): { options: SelectOption[]; truncated: boolean } {
  const options = list.shown.slice(0, OPTION_LIMIT);
  if (selected !== "" && !options.some((o) => o.value === selected)) {
    const chosen = list.all.find((o) => o.value === selected);
    if (chosen) options.unshift(chosen);
  }
  return { options, truncated: list.shown.length > OPTION_LIMIT };
}

