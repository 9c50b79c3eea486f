// New Import → mapping (every suggestion accepted, or rules rewritten by `override`) → Preview, for any
// connected company on any database handle: tests/helpers/world.ts's preview(), not tied to one company.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { imports } from "@/db/schema";
import type { SnapshotRule } from "@/lib/import/types";
import { createDraft, type Actor } from "@/lib/import/lifecycle";
import { listSavedRules, mapStepEntities } from "@/lib/import/mapping-step";
import { proposedRules } from "@/tests/helpers/proposed-rules";
import { preparePreview, type ImportSelection } from "@/lib/import/prepare";
import { snapshotFromRule } from "@/lib/mapping/rules";
import { actitimeClientForAdmin, readSource } from "@/lib/import/source";
import type { TimeDescriptionSettings } from "@/lib/import/types";
import type { RuleForEntity } from "@/lib/mapping/rules";
import { getEnv } from "@/lib/env";
import { createQboClient, type QboClient } from "@/lib/qbo/client";
import { fetchQboDirectory } from "@/lib/qbo/directory";
import { Pacer } from "@/lib/qbo/pace";
import { connectionTokenSource } from "@/lib/qbo/tokens";

export interface PreviewConnection {
  id: string;
  realmId: string;
  payrollEnabled: boolean | null;
}

/** A client for previews: no pacing of its own (the emulator's limits are generous for a handful of reads). */
export function unpacedClient(db: Db, connection: PreviewConnection): QboClient {
  return createQboClient({
    realmId: connection.realmId,
    apiBaseUrl: getEnv().intuit.apiBaseUrl,
    tokens: connectionTokenSource(db, connection.id),
    pacer: new Pacer({ requestsPerMinute: 1_000_000, batchRequestsPerMinute: 1_000_000 }),
    backoffScale: 0.001,
  });
}

export async function previewImport(
  db: Db,
  actor: Actor,
  connection: PreviewConnection,
  range: { dateFrom: string; dateTo: string },
  opts: { settings?: TimeDescriptionSettings; override?: (rules: RuleForEntity[]) => RuleForEntity[]; client?: QboClient } = {},
) {
  const client = opts.client ?? unpacedClient(db, connection);
  const actitimeClient = await actitimeClientForAdmin(db, actor.accountId, actor.adminId);
  const draft = await createDraft(db, actor, connection.id);
  const selection: ImportSelection = { userIds: null, projectIds: null, leaveTypeIds: null, approvedOnly: false };
  const source = await readSource(actitimeClient, { ...range, ...selection });
  const directory = await fetchQboDirectory(client, connection.payrollEnabled === true);
  const rules = (opts.override ?? ((r) => r))(proposedRules(mapStepEntities(source, await listSavedRules(db, connection.id), directory)));
  const snapshot: SnapshotRule[] = rules.map(snapshotFromRule);
  const [withScope] = await db
    .update(imports)
    .set({ ...range, selection, mappingSnapshot: { rules: snapshot }, step: "map" })
    .where(eq(imports.id, draft.id))
    .returning();
  const summary = await preparePreview({ db, qbo: client, actitime: actitimeClient, directory, source }, withScope!, opts.settings ?? { importTaskNames: false, importComments: false });
  return { importId: draft.id, summary };
}
