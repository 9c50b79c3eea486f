import type { Metadata } from "next";
import { headers } from "next/headers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "actiTIME → QuickBooks Online", template: "%s · actiTIME → QuickBooks" },
  description: "Import hours tracked in actiTIME into QuickBooks Online as TimeActivity records.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: the CSP nonce of proxy.ts is new each time (a page prerendered
  // at build time would carry scripts without it, and the browser would refuse them).
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
