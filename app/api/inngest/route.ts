// Inngest calls this endpoint to sync the app's functions and to run their steps. Requests are
// signed with INNGEST_SIGNING_KEY (checked by the SDK outside dev mode).
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
