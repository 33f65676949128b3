import type { Metadata } from "next";
import "./globals.css";

// Every page is rendered per request: a prerendered page would carry no CSP
// nonce on its scripts, and the policy (proxy.ts) would block them.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Rampart", template: "%s · Rampart" },
  description: "Trust-and-safety console for LLM features",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
