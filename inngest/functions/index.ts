// Every Inngest function the app serves (app/api/inngest), built over the production dependencies.
import { createFinishInterruptFunction } from "./finish-interrupt";
import { createRunImportFunction } from "./run-import";
import { createScheduledImportRunFunction, createScheduledImportsFunction } from "./scheduled-imports";

export const runImportFunction = createRunImportFunction();
export const finishInterruptFunction = createFinishInterruptFunction();

export const scheduledImportsFunction = createScheduledImportsFunction();
export const scheduledImportRunFunction = createScheduledImportRunFunction();

export const functions = [runImportFunction, finishInterruptFunction, scheduledImportsFunction, scheduledImportRunFunction];
