// Issue 13 §7: an import's error shown to admins is a code plus a safe sentence; SQL text and values
// never reach imports.error_message (and so neither the pages nor a log line built from it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "@/db/schema";
import { ActitimeError } from "@/lib/actitime/errors";
import { describeUnexpectedError, importErrorMessage } from "@/lib/import/error-message";
import { unexpectedErrorMessage } from "@/lib/import/runner";
import { createTestDb, type TestDb } from "@/tests/helpers/db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.dispose());

const SECRET_VALUE = "https://actitime.secret-customer.test/acme";

describe("unexpected import errors", () => {
  it("a real database error becomes a code: no SQL text, no values", async () => {
    await t.db.insert(accounts).values({ baseUrl: SECRET_VALUE });
    const error = await t.db
      .insert(accounts)
      .values({ baseUrl: SECRET_VALUE })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeDefined();
    // The raw error does carry SQL (and, on some drivers, the values): that is what must not get out.
    expect(String((error as Error).message).toLowerCase()).toContain("insert");
    const message = unexpectedErrorMessage(error);
    expect(message).toMatch(/^The import stopped on an unexpected error and was not finished \(code database(_23505)?\): The database did not accept a change\. Run the same import again/);
    expect(message.toLowerCase()).not.toMatch(/insert|accounts|base_url|select|values|\$1/);
    expect(message).not.toContain(SECRET_VALUE);
  });

  it.each([
    [Object.assign(new Error('duplicate key value violates unique constraint "x"'), { name: "PostgresError", code: "23505", severity: "ERROR", detail: "Key (email)=(a@b.c) exists" }), "database_23505"],
    [new Error('Failed query: update "imports" set "error_message" = $1 where "id" = $2\nparams: secret,123'), "database"],
    [new TypeError("fetch failed"), "network"],
    [new RangeError("Invalid array length at Object.<anonymous> (/srv/app/lib/x.ts:12:3)"), "internal"],
    ["a thrown string with /etc/passwd", "internal"],
  ])("%s → %s, with none of its text", (error, code) => {
    const safe = describeUnexpectedError(error);
    expect(safe.code).toBe(code);
    const message = importErrorMessage(error);
    expect(message).toContain(`(code ${code})`);
    for (const leak of ["update", "params", "secret", "a@b.c", "/srv/app", "/etc/passwd", "Invalid array length", "duplicate key"]) expect(message).not.toContain(leak);
  });

  it("an error copied by Inngest (class lost, name kept) keeps its sentence; a database one does not", () => {
    const copy = Object.assign(new Error("QuickBooks did not answer within 30 s"), { name: "QboFault", kind: "timeout" });
    expect(importErrorMessage(copy)).toContain("(code qbo_timeout): QuickBooks did not answer within 30 s.");
    const disguised = Object.assign(new Error('Failed query: select * from "admins"'), { name: "QboFault", kind: "timeout" });
    expect(importErrorMessage(disguised)).not.toContain("admins");
  });

  it("errors written for people keep their sentence", () => {
    const error = new ActitimeError("timeout", "actiTIME at https://online.actitime.com/acme did not answer within 30 seconds. Try again later.");
    expect(importErrorMessage(error)).toBe(
      "The import stopped on an unexpected error and was not finished (code actitime_timeout): actiTIME at https://online.actitime.com/acme did not answer within 30 seconds. Try again later. Run the same import again to import the rest.",
    );
  });
});
