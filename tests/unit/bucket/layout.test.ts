import { describe, expect, it } from "vitest";
import { objectKey, parseObjectName, utcDay } from "@/lib/bucket/layout";
import { BucketUrlError, parseBucketUrl } from "@/lib/bucket/location";

describe("bucket URLs", () => {
  it("parses folders and S3 buckets with a prefix, normalized", () => {
    expect(parseBucketUrl("file:///var/audit/")).toEqual({ kind: "file", dir: "/var/audit", url: "file:///var/audit" });
    expect(parseBucketUrl("s3://my-bucket/exports/prod/")).toEqual({
      kind: "s3",
      bucket: "my-bucket",
      prefix: "exports/prod",
      url: "s3://my-bucket/exports/prod",
    });
    expect(parseBucketUrl("s3://my-bucket")).toMatchObject({ prefix: "", url: "s3://my-bucket" });
  });

  it("refuses other schemes and bad bucket names", () => {
    expect(() => parseBucketUrl("gs://bucket/x")).toThrow(BucketUrlError);
    expect(() => parseBucketUrl("s3://Bad_Bucket/x")).toThrow(BucketUrlError);
    expect(() => parseBucketUrl("")).toThrow(BucketUrlError);
  });
});

describe("object layout", () => {
  it("keys sort in sequence order and name their range and UTC day", () => {
    const key = objectKey("acme", utcDay(Date.UTC(2026, 2, 31, 23, 59, 59)), 9, 50_008);
    expect(key).toBe("wandb-audit-logs/acme/2026-03-31/000000000009-000000050008.ndjson");
    expect(objectKey("acme", "2026-03-31", 100, 200) > objectKey("acme", "2026-03-31", 99, 99)).toBe(true);
    expect(parseObjectName("2026-03-31/000000000009-000000050008.ndjson")).toEqual({ day: "2026-03-31", fromSeq: 9, toSeq: 50_008 });
    expect(parseObjectName("2026-03-31/9-10.ndjson")).toBeNull();
  });
});
