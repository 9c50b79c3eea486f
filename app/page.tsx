import { redirect } from "next/navigation";
import { getAppSession } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getAppSession()) ? "/imports" : "/login");
}
