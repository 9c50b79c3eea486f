// Settings words that are not a category's (those are in lib/mapping/rules.ts MAPPING_CATEGORY_META).
import type { CombineMode, RoundingMode } from "@/lib/import/types";
import { MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";

/** The Settings page of a category, /settings/<slug>. */
export function slugOfCategory(category: MappingCategory): string {
  return MAPPING_CATEGORY_META[category].slug;
}

/** Time settings, in plain words (product spec §4, §6; issue 19 §3). */
export const COMBINE_EXPLANATION =
  "With Combine set to As before: with neither option on, records that land on the same QuickBooks activity (same employee, day, customer, service item, billable status and rate) are combined into one TimeActivity. With either on, every actiTIME record becomes its own TimeActivity whose description holds the task name and/or comment.";

export const COMBINE_OPTIONS: { value: CombineMode; label: string }[] = [
  { value: "auto", label: "As before: one per actiTIME record when task names or comments are imported, otherwise one per day" },
  { value: "record", label: "One activity per actiTIME record" },
  { value: "day", label: "One activity per day for each employee, customer and service item (descriptions joined)" },
  { value: "week", label: "One activity per week, Monday to Sunday, on the week's Monday (descriptions joined; imports cover whole weeks)" },
];

export const ROUNDING_OPTIONS: { value: RoundingMode; label: string }[] = [
  { value: "none", label: "No rounding: the minutes tracked in actiTIME" },
  { value: "up", label: "Round up" },
  { value: "nearest", label: "Nearest (halfway rounds up)" },
];
