// URL slugs of the four Settings pages and the mapping categories they show.
import type { CombineMode, RoundingMode } from "@/lib/import/types";
import type { MappingCategory } from "@/lib/mapping/rules";

export const CATEGORY_SLUGS = {
  users: "user",
  projects: "project",
  "types-of-work": "type_of_work",
  "leave-types": "leave_type",
} as const satisfies Record<string, MappingCategory>;

export type CategorySlug = keyof typeof CATEGORY_SLUGS;

export const SLUG_ORDER: readonly CategorySlug[] = ["users", "projects", "types-of-work", "leave-types"];

export function categoryOfSlug(slug: string): MappingCategory | null {
  return Object.hasOwn(CATEGORY_SLUGS, slug) ? CATEGORY_SLUGS[slug as CategorySlug] : null;
}

export function slugOfCategory(category: MappingCategory): CategorySlug {
  return SLUG_ORDER.find((slug) => CATEGORY_SLUGS[slug] === category)!;
}

/** One line under each category's title. */
export const CATEGORY_BLURB: Record<MappingCategory, string> = {
  user: "Each actiTIME user becomes one QuickBooks employee (one-to-one).",
  project: "actiTIME projects become QuickBooks customers or sub-customers; several projects may share one.",
  type_of_work: "actiTIME types of work become QuickBooks service items or sub-services; several may share one.",
  leave_type: "actiTIME leave types become QuickBooks service items or sub-services; several may share one.",
};

/** Time settings, in plain words (product spec §4, §6; issue 19 §3). */
export const COMBINE_EXPLANATION =
  "With Combine set to Automatically: with neither option on, records that land on the same QuickBooks activity (same employee, day, customer, service item, billable status and rate) are combined into one TimeActivity. With either on, every actiTIME record becomes its own TimeActivity whose description holds the task name and/or comment.";

export const COMBINE_OPTIONS: { value: CombineMode; label: string }[] = [
  { value: "auto", label: "Automatically (as before): one per actiTIME record when task names or comments are imported, otherwise one per day" },
  { value: "record", label: "One activity per actiTIME record" },
  { value: "day", label: "One activity per day for each employee, customer and service item (descriptions joined)" },
  { value: "week", label: "One activity per week, Monday to Sunday, dated on the Monday (descriptions joined; imports cover whole weeks)" },
];

export const ROUNDING_OPTIONS: { value: RoundingMode; label: string }[] = [
  { value: "none", label: "No rounding: the minutes tracked in actiTIME" },
  { value: "up", label: "Round up" },
  { value: "nearest", label: "Round to nearest (halfway rounds up)" },
];
