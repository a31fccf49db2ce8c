export function ForbiddenNotice({
  detail,
  need = "an organization admin or auditor",
  what = "the Organization Dashboard",
}: {
  detail?: string;
  need?: string;
  what?: string;
}) {
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-6">
        <h1 className="text-lg font-semibold text-amber-950">Access denied</h1>
        <p className="mt-2 text-amber-950">
          You need to be {need} to view {what}.
        </p>
        {detail && <p className="mt-1 text-sm text-amber-900">{detail}</p>}
        <p className="mt-3 text-sm text-amber-900">Ask an admin of your organization to change your role, or sign in with another account.</p>
      </div>
    </main>
  );
}
