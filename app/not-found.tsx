import Link from "next/link";
import { StatusPage } from "@/components/ui/status-page";

export default function NotFound() {
  return (
    <StatusPage code="404" title="Not found">
      There is nothing here, or you do not have access to it.
      <Link href="/" className="mt-6 block font-medium text-brand-700 underline">
        Back to the console
      </Link>
    </StatusPage>
  );
}
