import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { ssoErrorMessage } from "@/lib/auth/sso/errors";
import { START_PATH, ssoSettings } from "@/lib/auth/sso/settings";
import { getPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Sign in · orgtrail" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await getPageSession();
  const params = await searchParams;
  const next = typeof params.next === "string" ? params.next : undefined;
  if (session.kind !== "signed-out") redirect("/org/dashboard");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <SignInForm
        next={next}
        ssoStart={ssoSettings() ? START_PATH : undefined}
        ssoError={ssoErrorMessage(typeof params.sso === "string" ? params.sso : undefined)}
        initialError={params.error === "invalid" ? "Invalid username or API key." : undefined}
      />
    </main>
  );
}
