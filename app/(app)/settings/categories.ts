// Settings words that are not a category's (those are in lib/mapping/rules.ts MAPPING_CATEGORY_META).
import { MAPPING_CATEGORY_META, type MappingCategory } from "@/lib/mapping/rules";

/** The Settings page of a category, /settings/<slug>. */
export function slugOfCategory(category: MappingCategory): string {
  return MAPPING_CATEGORY_META[category].slug;
}

/** Time Description Settings, in plain words (product spec §4, §6). */
export const COMBINE_EXPLANATION =
  "With neither option on, records that land on the same QuickBooks activity (same employee, day, customer, service item, billable status and rate) are combined into one TimeActivity. With either on, every actiTIME record becomes its own TimeActivity whose description holds the task name and/or comment.";
