import Link from "next/link";

const STEPS = [
  { key: "select", label: "Select data" },
  { key: "map", label: "Map" },
  { key: "preview", label: "Preview" },
  { key: "progress", label: "Import" },
] as const;
type StepKey = (typeof STEPS)[number]["key"];
const ORDER: Record<string, number> = { select: 0, map: 1, preview: 2, progress: 3 };

/** The wizard's steps; any earlier step (and any step the draft has reached) is a link: Back to any step. */
export function WizardSteps({ importId, current, reached }: { importId: string; current: StepKey; reached: "select" | "map" | "preview" }) {
  return (
    <nav aria-label="New Import steps" className="mb-8">
      <ol className="flex flex-wrap items-center gap-2 text-sm">
        {STEPS.map((step, index) => {
          const isCurrent = step.key === current;
          const reachable = step.key !== "progress" && ORDER[step.key]! <= ORDER[reached]!;
          const circle = (
            <span className={`inline-flex h-6 w-6 items-center justify-center rounded-full text-xs font-semibold ${isCurrent ? "bg-brand-600 text-white" : reachable ? "bg-brand-100 text-brand-800" : "bg-slate-200 text-slate-500"}`}>
              {index + 1}
            </span>
          );
          return (
            <li key={step.key} className="flex items-center gap-2">
              {reachable && !isCurrent ? (
                <Link href={`/imports/${importId}/${step.key}`} className="flex items-center gap-2 rounded-md px-2 py-1 text-brand-700 hover:bg-brand-50">
                  {circle}
                  {step.label}
                </Link>
              ) : (
                <span aria-current={isCurrent ? "step" : undefined} className={`flex items-center gap-2 px-2 py-1 ${isCurrent ? "font-semibold text-slate-900" : "text-slate-500"}`}>
                  {circle}
                  {step.label}
                </span>
              )}
              {index < STEPS.length - 1 ? <span aria-hidden className="text-slate-300">→</span> : null}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

export const STATUS_LABEL: Record<string, { label: string; tone: "green" | "amber" | "red" | "blue" | "neutral" }> = {
  draft: { label: "Draft", tone: "neutral" },
  running: { label: "Running", tone: "blue" },
  interrupting: { label: "Interrupting", tone: "amber" },
  completed: { label: "Completed", tone: "green" },
  interrupted: { label: "Interrupted", tone: "amber" },
  error: { label: "Error", tone: "red" },
};

export function formatHours(hours: number | string): string {
  const n = typeof hours === "string" ? Number(hours) : hours;
  return `${n.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 })} h`;
}

export function formatDateTime(date: Date | null): string {
  if (!date) return "—";
  return date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}
