import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { ssoErrorMessage } from "@/lib/auth/sso/errors";
import { START_PATH, ssoSettings } from "@/lib/auth/sso/settings";
import { getPageSession } from "@/lib/web/page-session";
import { safeNextPath } from "@/lib/web/safe-next";

const ERRORS: Record<string, string> = {
  invalid: "Invalid username or API key.",
  throttled: "Too many failed sign-ins from your address. Wait a few minutes and try again.",
};

export const metadata: Metadata = { title: "Sign in · orgtrail" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await getPageSession();
  const params = await searchParams;
  const next = typeof params.next === "string" ? params.next : undefined;
  if (session.kind !== "signed-out") redirect(safeNextPath(next));
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <SignInForm
        next={next}
        ssoStart={ssoSettings() ? START_PATH : undefined}
        ssoError={ssoErrorMessage(typeof params.sso === "string" ? params.sso : undefined)}
        initialError={typeof params.error === "string" ? ERRORS[params.error] : undefined}
      />
    </main>
  );
}
