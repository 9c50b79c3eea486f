// Entity creation (a `create` rule's Employee, Vendor, Customer or Item) before an import's activities, each
// claimed and committed under the run's lease like any other item. A create whose outcome is unknown,
// or refused because the name is taken, adopts the existing entity only when it is the same one:
// same name AND same parent (ParentRef / FullyQualifiedName), never a namesake under another parent.
import type { Db } from "@/db/client";
import { claimItems, commitEntityOutcome, commitOutcomes, type Lease } from "@/db/queries/import-run";
import type { ImportItemRow, ImportRow } from "@/db/queries/imports";
import { clearEntityCache } from "@/db/queries/entity-cache";
import { abortableSleep, QboRequestNotSent, qboQuote, type QboClient } from "@/lib/qbo/client";
import { QBO_FAULT_CODE, QboFault } from "@/lib/qbo/faults";
import { ConnectionUnavailableError } from "@/lib/qbo/tokens";
import { saveRuleForCreatedEntity } from "./created-rules";
import type { EntityItemPayload } from "./types";
import { parseEntityItemPayload } from "@/db/types";

/** Pause before an entity create that QBO answered with a 5xx, timeout or throttle is sent again (× attempts). */
const ENTITY_RETRY_DELAY_MS = 250;

type EntityName = "Employee" | "Vendor" | "Customer" | "Item";

export interface EntityContext {
  db: Db;
  qbo: QboClient;
  lease: Lease;
  imp: Pick<ImportRow, "id" | "connectionId" | "createdByAdminId" | "mappingSnapshot">;
  signal: AbortSignal;
  maxAttempts: number;
  /** The claim's send deadline (ms after the claim). */
  sendDeadlineMs: number;
  authTolerated: () => boolean;
  afterQboResponse?: () => void | Promise<void>;
  now: () => Date;
}

/** The parent an entity body names (sub-customer / job, sub-item), or null. */
function parentOf(body: Record<string, unknown>): string | null {
  const ref = body.ParentRef as { value?: string } | undefined;
  return ref?.value ?? null;
}

/** The existing entity with this payload's name and parent, if any (matched by parent, not only name). */
export async function findSameEntity(qbo: QboClient, entity: EntityName, payload: EntityItemPayload, signal?: AbortSignal): Promise<string | undefined> {
  const where = entity === "Item" ? `Name = ${qboQuote(payload.name)}` : `DisplayName = ${qboQuote(payload.name)}`;
  const rows = (await qbo.query(entity, where, "Id", { signal })) as { Id: string; ParentRef?: { value: string } }[];
  const parent = parentOf(payload.body);
  return rows.find((row) => (row.ParentRef?.value ?? null) === parent)?.Id;
}

/**
 * Creates the given entity items (pending, or `sending` left by an earlier attempt: those are first
 * looked for), one at a time. Stops when the lease is lost or the import no longer runs.
 */
export async function createEntities(ctx: EntityContext, items: ImportItemRow[]): Promise<void> {
  const { db, qbo, imp } = ctx;
  for (const original of items) {
    if (ctx.signal.aborted) return;
    const entity = original.entity as EntityName;
    const payload = parseEntityItemPayload(original.desired);
    let qboId: string | undefined;
    let fault: QboFault | undefined;
    let item = original;
    if (item.status === "sending") {
      // An earlier attempt's outcome is unknown: look for it first (same name, same parent).
      qboId = await findSameEntity(qbo, entity, payload, ctx.signal);
      if (!qboId) {
        // Not there: back to pending (keeping its requestid), then claimed and sent again.
        await commitOutcomes(db, { lease: ctx.lease }, imp, [{ item, status: "pending", keepRequestId: true }], ctx.now());
        item = { ...item, status: "pending" };
      }
    }
    while (!qboId) {
      if (item.status !== "sending") {
        const [claimed] = await claimItems(db, ctx.lease, [item], ctx.now());
        if (!claimed) return; // lease lost, or the import no longer runs (interrupted): the next slice ends it
        item = claimed;
      }
      try {
        const created = await qbo.create(entity, payload.body, item.requestId!, { signal: ctx.signal, notAfter: item.sentAt!.getTime() + ctx.sendDeadlineMs });
        qboId = (created as { Id: string }).Id;
      } catch (error) {
        if (error instanceof QboRequestNotSent) {
          await commitOutcomes(db, { lease: ctx.lease }, imp, [{ item, status: "pending", keepRequestId: true }], ctx.now());
          return;
        }
        if (error instanceof ConnectionUnavailableError) {
          await commitOutcomes(db, { lease: ctx.lease }, imp, [{ item, status: "pending" }], ctx.now());
          throw error;
        }
        if (!(error instanceof QboFault)) throw error;
        // The name was taken since the preview (or by our own lost create): reuse it when it is the same entity (reference §5.3).
        if (error.code === QBO_FAULT_CODE.duplicateName || error.outcomeUnknown) qboId = await findSameEntity(qbo, entity, payload, ctx.signal);
        if (qboId) break;
        // A 5xx, timeout or throttle that did not create it is tried again (spec §8), not failed with all its activities.
        if ((error.retryable || (error.kind === "auth" && ctx.authTolerated())) && item.attempts < ctx.maxAttempts) {
          await commitOutcomes(db, { lease: ctx.lease }, imp, [{ item, status: "pending", keepRequestId: error.outcomeUnknown }], ctx.now());
          item = { ...item, status: "pending" };
          await abortableSleep(ENTITY_RETRY_DELAY_MS * item.attempts, ctx.signal);
          continue;
        }
        fault = error;
        break;
      }
    }
    await ctx.afterQboResponse?.();
    await commitEntityOutcome(db, ctx.lease, imp, item, qboId ? { qboId } : { fault: fault! }, async (tx) => {
      // The cached QBO lists no longer hold every entity: the next mapping reads them again.
      await clearEntityCache(tx, imp.connectionId);
      // The rule is now a link to the entity (saved at once, interrupted or not): the next import links instead of creating again.
      // A vendor's rule becomes a Link to QB Vendor (the rule's nameOf is kept).
      await saveRuleForCreatedEntity(tx as unknown as Db, imp, payload, qboId!, ctx.now());
    }, ctx.now());
  }
}

