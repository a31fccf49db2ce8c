import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getPageSession } from "@/lib/web/page-session";

export const metadata: Metadata = { title: "Sign in · orgtrail" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await getPageSession();
  const params = await searchParams;
  const next = typeof params.next === "string" ? params.next : undefined;
  if (session.kind !== "signed-out") redirect("/org/dashboard");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <SignInForm next={next} initialError={params.error === "invalid" ? "Invalid username or API key." : undefined} />
    </main>
  );
}
