// Company facts that decide whether QuickBooks will take an import (time tracking, Payroll, the
// closed-books date) are re-read at the start of every preview, one cheap request each
// (CompanyInfo, Preferences), so neither the Companies page nor New Import goes by stale facts. The
// Preview then says, before Start, what QuickBooks would refuse.
import type { Db } from "@/db/client";
import { countActivitiesInClosedPeriod, countEmployeeCreates } from "@/db/queries/import-checks";
import { updateCompanyFacts, type CompanyFacts } from "@/db/queries/connections";
import type { QboClient } from "@/lib/qbo/client";
import { companyFacts } from "@/lib/qbo/schemas";

/** Reads and stores the company's facts; on failure the stored ones stay and the preview goes on (its own reads will tell). */
export async function refreshFactsForPreview(db: Db, connectionId: string, qbo: Pick<QboClient, "companyInfo" | "preferences">): Promise<CompanyFacts | null> {
  try {
    const [info, prefs] = await Promise.all([qbo.companyInfo(), qbo.preferences()]);
    const facts = companyFacts(info, prefs);
    await updateCompanyFacts(db, connectionId, facts);
    return facts;
  } catch {
    return null;
  }
}

export interface StartBlocker {
  /** true: Start is refused (QuickBooks would refuse every write); false: a warning about some writes. */
  blocking: boolean;
  title: string;
  message: string;
}

/** What QuickBooks would refuse in this preview, from the company's facts and the previewed writes. */
export async function refusalsBeforeStart(
  db: Db,
  importId: string,
  facts: { timeTrackingEnabled: boolean | null; payrollEnabled: boolean | null; booksClosedDate: string | null },
): Promise<StartBlocker[]> {
  const out: StartBlocker[] = [];
  if (facts.timeTrackingEnabled === false) {
    out.push({
      blocking: true,
      title: "QuickBooks would refuse this import",
      message: "Time tracking is off in this QuickBooks company, so QuickBooks refuses every time activity. Turn it on in QuickBooks (Settings → Account and settings → Time), then Refresh preview.",
    });
  }
  if (facts.booksClosedDate) {
    const n = await countActivitiesInClosedPeriod(db, importId, facts.booksClosedDate, ["pending"]);
    if (n > 0) {
      out.push({
        blocking: false,
        title: `QuickBooks would refuse ${n.toLocaleString("en-US")} ${n === 1 ? "change" : "changes"} in the closed period`,
        message: `The books are closed through ${facts.booksClosedDate}: QuickBooks refuses writes dated on or before it, so ${n === 1 ? "this change" : "these changes"} would fail and the import would end as Error. Re-open the period in QuickBooks, or choose a range after ${facts.booksClosedDate}.`,
      });
    }
  }
  if (facts.payrollEnabled) {
    if ((await countEmployeeCreates(db, importId)) > 0) {
      out.push({
        blocking: true,
        title: "QuickBooks would refuse the new employees",
        message: "QuickBooks Payroll is on in this company: employees must be created in QuickBooks itself. Go back to Map and link these users to existing employees.",
      });
    }
  }
  return out;
}
