// tests/bench/plan-diff.ts in a process of its own (for tests/bench/run.ts): its peak RSS is the pure core's alone.
import { benchPlanDiff, variantSettings } from "./plan-diff";
import { emitResult } from "./harness";

const records = Number(process.argv[2] ?? 100_000);
const variant = process.argv[3] ?? "combined";
emitResult(benchPlanDiff(records, variantSettings(variant), variant));
