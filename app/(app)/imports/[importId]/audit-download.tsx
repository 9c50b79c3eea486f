import { buttonVariants } from "@/app/_components/ui";

/** Audit export: Download CSV of this import's items (app/api/imports/[importId]/audit). */
export function AuditDownload({ importId }: { importId: string }) {
  return (
    <a href={`/api/imports/${importId}/audit`} download className={buttonVariants.secondary} aria-label="Download CSV of this import's items">
      Download CSV
    </a>
  );
}
