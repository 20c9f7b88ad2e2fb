import type { Checksum } from "./checksums";
import { s3Errors } from "./s3-error";

/** An object as the stand-in keeps it: its bytes and what S3 stores with them. */
export type StoredObject = {
  key: string;
  body: Buffer;
  /** Quoted, as S3 sends it in the ETag header: `"<md5 hex>"`. */
  etag: string;
  contentType: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** x-amz-meta-* without the prefix, names lower-cased. */
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Whole seconds, as S3 keeps it. */
  lastModified: Date;
  /** The flexible checksum the object was uploaded with, returned when a client asks with x-amz-checksum-mode. */
  checksum?: Checksum;
};

/** S3's ordering of keys: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The in-memory buckets: one Map of key to object per bucket, nothing on disk. */
export class ObjectStore {
  readonly #buckets = new Map<string, Map<string, StoredObject>>();

  constructor(buckets: string[]) {
    for (const bucket of buckets) this.#buckets.set(bucket, new Map());
  }

  bucketNames(): string[] {
    return [...this.#buckets.keys()];
  }

  has(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  /** A bucket's objects; an unknown bucket is NoSuchBucket. */
  bucket(bucket: string): Map<string, StoredObject> {
    const objects = this.#buckets.get(bucket);
    if (objects === undefined) throw s3Errors.noSuchBucket(bucket);
    return objects;
  }

  /** An object; a missing one is NoSuchKey. */
  object(bucket: string, key: string): StoredObject {
    const object = this.bucket(bucket).get(key);
    if (object === undefined) throw s3Errors.noSuchKey(key);
    return object;
  }

  /** A bucket's keys in S3's order. */
  sortedKeys(bucket: string): string[] {
    return [...this.bucket(bucket).keys()].sort(compareKeys);
  }
}

/** Tags as S3 limits them: at most 10 per object, keys of 1–128 and values of 0–256 characters, keys unique. */
export function validateTags(pairs: [string, string][]): Record<string, string> {
  if (pairs.length > 10) throw s3Errors.invalidTag("Object tags cannot be greater than 10");
  const tags: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (key.length === 0 || [...key].length > 128) throw s3Errors.invalidTag("The TagKey you have provided is invalid");
    if ([...value].length > 256) throw s3Errors.invalidTag("The TagValue you have provided is invalid");
    if (Object.hasOwn(tags, key)) throw s3Errors.invalidTag("Cannot provide multiple Tags with the same key");
    tags[key] = value;
  }
  return tags;
}
