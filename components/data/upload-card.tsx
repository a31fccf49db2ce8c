"use client";

import { Card } from "@/components/ui/states";
import { cliCommands } from "./empty-org-notice";
import { CopyCommand } from "./copy-command";
import { UploadForm } from "./upload-form";

/** Uploads from the browser (admins): an audit log and a users file, each with its progress and summary. */
export function UploadCard({ org, canUpload }: { org: string; canUpload: boolean }) {
  const commands = cliCommands(org);
  return (
    <Card title="Upload">
      {canUpload ? (
        <div className="space-y-3">
          <UploadForm kind="events" org={org} />
          <UploadForm kind="users" org={org} />
          <p className="text-xs text-slate-600">
            Files are streamed to the server; lines already stored are skipped, so uploading the same file again is safe. A bad line is rejected alone, with its
            line number; the others are stored.
          </p>
        </div>
      ) : (
        <p className="text-sm text-slate-700">Only organization admins can upload. Your role can read this page.</p>
      )}
      <div className="mt-4 space-y-2 border-t border-slate-100 pt-3">
        <p className="text-xs text-slate-600">The same on the server, in the orgtrail folder (large files, scripts):</p>
        <CopyCommand command={commands.ingest} label="ingest an audit log" />
        <CopyCommand command={commands.importUsers} label="import users" />
      </div>
    </Card>
  );
}
