// A store that cannot be written is reported clearly at start, not at the first ingest.
import { describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";

describe("opening the SQLite store", () => {
  it("names the file and the fix when it cannot be written", async () => {
    // /sys refuses new files even to root, like a read-only file system.
    await expect(openStore("file:/sys/orgtrail-test/orgtrail.db")).rejects.toThrow(
      /cannot open the SQLite store \/sys\/orgtrail-test\/orgtrail\.db for writing: .*writable/,
    );
  });
});
