import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "actiTIME → QuickBooks Online", template: "%s · actiTIME → QuickBooks" },
  description: "Import hours tracked in actiTIME into QuickBooks Online as TimeActivity records.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
