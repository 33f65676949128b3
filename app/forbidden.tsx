import Link from "next/link";
import { StatusPage } from "@/components/ui/status-page";

export default function Forbidden() {
  return (
    <StatusPage code="403" title="You don't have access to this page">
      Your role in this project does not allow it. Ask a project admin if you need access.
      <Link href="/" className="mt-6 block font-medium text-brand-700 underline">
        Back to the console
      </Link>
    </StatusPage>
  );
}
