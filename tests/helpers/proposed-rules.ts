import type { MapEntity } from "@/lib/import/mapping-step";
import type { RuleForEntity } from "@/lib/mapping/rules";

/** The rule each entity gets if the admin accepts everything as proposed: saved rule, else suggestion. */
export function proposedRules(entities: readonly MapEntity[]): RuleForEntity[] {
  return entities.flatMap((e) => {
    if (e.saved) return [e.saved];
    if (e.suggestion) return [{ category: e.category, sourceId: e.sourceId, sourceName: e.name, rule: e.suggestion.rule }];
    return [];
  });
}
