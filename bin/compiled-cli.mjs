// The CLI compiled ahead of time (scripts/build-cli.mjs) and whether it may run: only when it
// was built from the sources exactly as they are now. bin/orgtrail.mjs asks at every start
// (~5 ms: it hashes the ~150 files the build read), so an edited source is never run stale:
// the CLI then runs through tsx, as it always can.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the build lives, relative to the project's root (ignored by git, ESLint and Prettier). */
export const CLI_DIR = "dist/cli";
/** The record of what a build was made from, written last, inside the build's directory. */
export const STAMP_FILE = "stamp.json";
/** Bumped when the stamp's meaning changes: an older stamp then reads as stale. */
export const STAMP_VERSION = 1;

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The digest the stamp records for a file's bytes. */
export function digest(bytes) {
  return createHash("sha256").update(bytes).digest("base64url");
}

/**
 * The digest of a directory's entry names: a file added beside an input can change what an
 * import resolves to (`./x` finds `x.tsx` before `x.ts`), so the directories the build read
 * from must hold the same names too.
 */
export function listingDigest(dir) {
  return digest(readdirSync(dir).sort().join("\n"));
}

/**
 * Why the compiled CLI under `root` must not run, or null when it was built from exactly the
 * files there now (every source the build read, the build's configuration, and the names in
 * their directories).
 */
export function staleReason(root = PROJECT_ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, CLI_DIR, STAMP_FILE), "utf8"));
  } catch {
    return "it is not built (npm run build:cli)";
  }
  if (stamp?.version !== STAMP_VERSION || typeof stamp.files !== "object" || typeof stamp.dirs !== "object")
    return "built by another version of scripts/build-cli.mjs";
  for (const [file, expected] of Object.entries(stamp.files)) {
    let actual;
    try {
      actual = digest(readFileSync(join(root, file)));
    } catch {
      return `${file} is gone`;
    }
    if (actual !== expected) return `${file} changed since the build`;
  }
  for (const [dir, expected] of Object.entries(stamp.dirs)) {
    let actual;
    try {
      actual = listingDigest(join(root, dir));
    } catch {
      return `${dir}/ is gone`;
    }
    if (actual !== expected) return `files were added to or removed from ${dir}/ since the build`;
  }
  return null;
}

/** The compiled CLI's entry file under `root`. */
export function compiledEntry(root = PROJECT_ROOT) {
  return join(root, CLI_DIR, "cli.mjs");
}
