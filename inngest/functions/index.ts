// Every Inngest function the app serves (app/api/inngest), built over the production dependencies.
import { createFinishInterruptFunction } from "./finish-interrupt";
import { createRunImportFunction } from "./run-import";

export const runImportFunction = createRunImportFunction();
export const finishInterruptFunction = createFinishInterruptFunction();

export const functions = [runImportFunction, finishInterruptFunction];
