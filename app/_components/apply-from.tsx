// "Apply from" of a rule change (issue 19 §2): all dates (today's behaviour, the default) or from a date,
// so re-imports of earlier periods keep the earlier rule. Settings' rule form and the import's Map step.
const DEFAULT_HINT = "All dates: every import from now on uses this rule, re-imports of earlier periods too. From a date: earlier dates keep the rules they had (the date is used only with From a date).";

export interface ApplyFromProps {
  /** Id prefix of the rule form's fields. */
  idPrefix: string;
  /** What was posted before a refused save: "all" or "date", and the date typed. */
  initial?: { choice?: string; date?: string };
  /** The refusal message for this field, if any. */
  error: string | null;
  /** The line under the choice; Settings' wording unless given. */
  hint?: string;
  className?: string;
}

export function ApplyFromField({ idPrefix, initial, error, hint = DEFAULT_HINT, className = "md:col-span-2" }: ApplyFromProps) {
  const choice = initial?.choice === "date" ? "date" : "all";
  const errorId = `${idPrefix}-applyFrom-error`;
  const invalid = error !== null ? { "aria-invalid": true as const, "aria-describedby": errorId } : {};
  return (
    <fieldset className={className} aria-describedby={error !== null ? errorId : `${idPrefix}-applyFrom-hint`}>
      <legend className="block text-sm font-medium text-slate-700">Apply from</legend>
      <div className="mt-1 flex flex-wrap items-center gap-4 text-sm text-slate-800">
        <label className="inline-flex items-center gap-2">
          <input type="radio" name="applyFrom" value="all" defaultChecked={choice === "all"} />
          All dates
        </label>
        <label className="inline-flex items-center gap-2">
          <input type="radio" name="applyFrom" value="date" defaultChecked={choice === "date"} />
          From a date
        </label>
        <label className="inline-flex items-center gap-2">
          <span className="sr-only">First date it applies from</span>
          <input
            id={`${idPrefix}-applyFromDate`}
            type="date"
            name="applyFromDate"
            defaultValue={initial?.date ?? ""}
            autoFocus={error !== null}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm aria-[invalid=true]:border-red-500"
            {...invalid}
          />
        </label>
      </div>
      {error !== null ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p id={`${idPrefix}-applyFrom-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </fieldset>
  );
}
