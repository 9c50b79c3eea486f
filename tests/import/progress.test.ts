// Progress wording: what a running import is doing, a rate-limit wait with its end, the time left.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { imports } from "@/db/schema";
import { importProgress } from "@/lib/import/progress-words";
import { createDraft } from "@/lib/import/lifecycle";
import { phaseReporter, phaseText, secondsLeft, timeLeftText } from "@/lib/import/progress";
import { createWorld, type World } from "@/tests/helpers/world";

const worlds: World[] = [];
afterEach(async () => {
  while (worlds.length) await worlds.pop()!.dispose();
});

describe("progress wording", () => {
  it("estimates the time left from the pace so far, and says when it cannot yet", () => {
    const startedAt = new Date("2026-12-01T08:00:00Z");
    expect(secondsLeft({ startedAt, progressDone: 5, progressTotal: 100 }, new Date("2026-12-01T08:00:10Z"))).toBeNull();
    // 600 of 2,652 in 60 s: 2,052 left at 10 per second.
    expect(secondsLeft({ startedAt, progressDone: 600, progressTotal: 2652 }, new Date("2026-12-01T08:01:00Z"))).toBe(206);
    expect(timeLeftText(206)).toBe("About 3 min 25 s left");
    expect(timeLeftText(null)).toBe("Estimating the time left…");
    expect(timeLeftText(4)).toBe("Less than 10 s left");
    expect(phaseText("entities", null, "running")).toMatch(/Creating employees, customers and service items/);
    expect(phaseText("rate_limit", new Date("2026-12-01T08:29:41Z"), "running")).toBe("Waiting for QuickBooks' rate limit until 08:29:41 UTC…");
    expect(phaseText("rechecking", null, "running")).toMatch(/Re-checking writes/);
  });

  it("records a rate-limit wait with its end while every request would wait, and the executor's phase otherwise", async () => {
    const w = await createWorld();
    worlds.push(w);
    const draft = await createDraft(w.db, w.actor, w.connection.id);
    let wait = 0;
    let clock = Date.parse("2026-12-01T08:29:00Z");
    const reporter = phaseReporter(w.db, draft.id, { waitMs: () => wait }, () => new Date(clock));
    await reporter.set("writing");
    let [row] = await w.db.select().from(imports).where(eq(imports.id, draft.id));
    expect(row!.progressPhase).toBe("writing");
    wait = 41_000;
    clock += 2_000;
    await reporter.waiting();
    [row] = await w.db.select().from(imports).where(eq(imports.id, draft.id));
    expect(row!.progressPhase).toBe("rate_limit");
    expect(row!.progressPhaseUntil!.toISOString()).toBe("2026-12-01T08:29:43.000Z");
    await w.db.update(imports).set({ status: "running", startedAt: new Date(clock - 60_000), progressDone: 600, progressTotal: 2652 }).where(eq(imports.id, draft.id));
    [row] = await w.db.select().from(imports).where(eq(imports.id, draft.id));
    const words = importProgress(row!);
    expect(words.phase).toBe("Waiting for QuickBooks' rate limit until 08:29:43 UTC…");
    expect(words.timeLeft).toMatch(/^About \d+ (h|min)/);
    wait = 0;
    clock += 2_000;
    await reporter.waiting();
    [row] = await w.db.select().from(imports).where(eq(imports.id, draft.id));
    expect(row!.progressPhase).toBe("writing");
  });
});
