import { redirect } from "next/navigation";

/** A rule's own address: its row on the category page, open for editing. */
export default async function RulePage({ params }: { params: Promise<{ category: string; ruleId: string }> }) {
  const { category, ruleId } = await params;
  const id = encodeURIComponent(ruleId);
  redirect(`/settings/${encodeURIComponent(category)}?edit=${id}#rule-${id}`);
}
