import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

/**
 * One bucket's objects by key. With a directory they are also kept on disk (each object as `<sha256 of key>.bin` with
 * its bytes and `.json` with the rest), written as they change and read back when the stand-in starts again.
 */
class BucketObjects extends Map<string, StoredObject> {
  readonly #directory: string | undefined;

  constructor(directory?: string) {
    super();
    this.#directory = directory;
    if (directory === undefined) return;
    mkdirSync(directory, { recursive: true });
    for (const name of readdirSync(directory).filter((file) => file.endsWith(".json"))) {
      const { lastModified, ...stored } = JSON.parse(readFileSync(join(directory, name), "utf8"));
      const body = readFileSync(join(directory, name.replace(/\.json$/, ".bin")));
      super.set(stored.key, { ...stored, body, lastModified: new Date(lastModified) });
    }
  }

  #fileOf(key: string): string {
    return join(this.#directory as string, createHash("sha256").update(key).digest("hex"));
  }

  override set(key: string, object: StoredObject): this {
    super.set(key, object);
    if (this.#directory !== undefined) {
      writeFileSync(`${this.#fileOf(key)}.bin`, object.body);
      this.saved(key);
    }
    return this;
  }

  override delete(key: string): boolean {
    if (this.#directory !== undefined) {
      rmSync(`${this.#fileOf(key)}.json`, { force: true });
      rmSync(`${this.#fileOf(key)}.bin`, { force: true });
    }
    return super.delete(key);
  }

  /** Writes again what is kept beside an object's bytes, after a change in place (its tags). */
  saved(key: string): void {
    const object = this.get(key);
    if (this.#directory === undefined || object === undefined) return;
    const { body: _bytes, ...rest } = object;
    writeFileSync(`${this.#fileOf(key)}.json`, JSON.stringify(rest));
  }
}

/** The buckets: one map of key to object per bucket, in memory, and on disk when given a data directory. */
export class ObjectStore {
  readonly #buckets = new Map<string, BucketObjects>();

  constructor(buckets: string[], dataDirectory?: string) {
    for (const bucket of buckets) {
      this.#buckets.set(
        bucket,
        new BucketObjects(dataDirectory === undefined ? undefined : join(dataDirectory, bucket)),
      );
    }
  }

  bucketNames(): string[] {
    return [...this.#buckets.keys()];
  }

  has(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  /** A bucket's objects; an unknown bucket is NoSuchBucket. */
  bucket(bucket: string): BucketObjects {
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
