"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

export interface ProgressState {
  status: string;
  done: number;
  total: number;
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  skippedBilled: number;
  errorMessage: string | null;
  /** What it is doing now, and the estimated time left (lib/import/progress), while it runs. */
  phase?: string | null;
  timeLeft?: string | null;
}

const POLL_INTERVAL_MS = 1500;
const ACTIVE = new Set(["running", "interrupting"]);

/** The panel's words: an undo (issue 17 §3) speaks of the undo, not of an import. */
const WORDS = {
  import: { noun: "Import", running: "Importing…", keep: "Keep importing", interruptNote: "What has been written to QuickBooks stays. An interrupted import cannot be resumed; run the same import again later to bring in the rest." },
  undo: { noun: "Undo", running: "Undoing…", keep: "Keep undoing", interruptNote: "What has been put back in QuickBooks stays. Open the import again and choose Finish this undo to do the rest." },
} as const;

/** Step 4: a live progress bar (polling), Interrupt for the admin who started it, Done when it ends. */
export function ImportProgress({ importId, initial, canInterrupt, interrupt, kind = "import" }: { importId: string; initial: ProgressState; canInterrupt: boolean; interrupt: () => void | Promise<void>; kind?: "import" | "undo" }) {
  const words = WORDS[kind];
  const router = useRouter();
  const [state, setState] = useState(initial);
  const dialog = useRef<HTMLDialogElement>(null);
  const active = ACTIVE.has(state.status);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(async () => {
      const response = await fetch(`/api/imports/${importId}/progress`, { cache: "no-store" });
      if (!response.ok) return;
      const next = (await response.json()) as ProgressState;
      setState(next);
      if (!ACTIVE.has(next.status)) router.refresh();
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [active, importId, router]);

  const percent = state.total > 0 ? Math.min(100, Math.round((state.done / state.total) * 100)) : active ? 0 : 100;
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-live="polite">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-base font-semibold">
          {state.status === "running" ? words.running : state.status === "interrupting" ? "Interrupting…" : state.status === "completed" ? `${words.noun} completed` : state.status === "interrupted" ? `${words.noun} interrupted` : state.failed > 0 ? `${words.noun} ended with errors` : `${words.noun} stopped with an error`}
        </h2>
        <span className="tabular-nums text-sm text-slate-600">
          {state.done.toLocaleString("en-US")} of {state.total.toLocaleString("en-US")} ({percent}%)
        </span>
      </div>
      {active && (state.phase || state.timeLeft) ? (
        <p className="mt-2 flex flex-wrap justify-between gap-2 text-sm text-slate-700" data-testid="progress-phase">
          <span>{state.phase}</span>
          {state.timeLeft ? <span className="text-slate-500">{state.timeLeft}</span> : null}
        </p>
      ) : null}
      <div className="mt-3 h-3 overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-label={`${words.noun} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className={`h-full transition-all ${state.status === "error" ? "bg-red-600" : state.status === "interrupted" ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
        {[
          ["Created", state.created],
          ["Updated", state.updated],
          ["Deleted", state.deleted],
          ["Billed, left alone", state.skippedBilled],
          ["Failed", state.failed],
        ].map(([label, value]) => (
          <div key={String(label)}>
            <dt className="text-slate-500">{label}</dt>
            <dd className={`text-lg font-semibold tabular-nums ${label === "Failed" && Number(value) > 0 ? "text-red-700" : ""}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {state.errorMessage ? <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">{state.errorMessage}</p> : null}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        {active && canInterrupt && state.status === "running" ? (
          <>
            <button type="button" onClick={() => dialog.current?.showModal()} className="rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50">
              Interrupt
            </button>
            <dialog ref={dialog} aria-labelledby="interrupt-title" className="m-auto max-w-md rounded-lg p-6 shadow-xl backdrop:bg-slate-900/40">
              <h3 id="interrupt-title" className="text-lg font-semibold">Interrupt this {words.noun.toLowerCase()}?</h3>
              <p className="mt-2 text-sm text-slate-600">
                {words.interruptNote}
              </p>
              <form action={interrupt} className="mt-5 flex justify-end gap-2">
                <button type="button" onClick={() => dialog.current?.close()} className="rounded-md px-4 py-2 text-sm text-slate-700 hover:bg-slate-100">{words.keep}</button>
                <button type="submit" className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-700">Interrupt</button>
              </form>
            </dialog>
          </>
        ) : null}
        {!active ? (
          <Link href="/imports" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Done
          </Link>
        ) : null}
      </div>
    </section>
  );
}
