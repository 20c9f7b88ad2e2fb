import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { filesConfig } from "../../platform/config/files.config";

/**
 * The files' bucket through the real S3 client: presigned uploads and downloads, and what the upload check reads.
 * Locally it is pointed at the S3 stand-in (path-style, as a custom endpoint needs).
 */
let s3: S3Client | undefined;
function client(): S3Client {
  const { s3Endpoint } = filesConfig();
  s3 ??= new S3Client(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {});
  return s3;
}

/**
 * A browser upload straight to S3 whose policy pins the key, the content type and the exact size range, so S3
 * refuses anything else (nothing depends on trusting the client).
 */
export async function presignedUpload(
  key: string,
  options: { contentType: string; maxBytes: number; expiresInSeconds: number; tags?: Record<string, string> },
): Promise<{ url: string; fields: Record<string, string>; expiresAt: string }> {
  const { bucketName } = filesConfig();
  const tagging = options.tags ? taggingDocument(options.tags) : undefined;
  const { url, fields } = await createPresignedPost(client(), {
    Bucket: bucketName,
    Key: key,
    Conditions: [
      ["content-length-range", 1, options.maxBytes],
      ["eq", "$Content-Type", options.contentType],
      ...(tagging ? [["eq", "$tagging", tagging] as ["eq", string, string]] : []),
    ],
    Fields: { "Content-Type": options.contentType, ...(tagging ? { tagging } : {}) },
    Expires: options.expiresInSeconds,
  });
  return { url, fields, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000).toISOString() };
}

/** S3's tagging document, as a POST upload's `tagging` field carries it. */
const taggingDocument = (tags: Record<string, string>) =>
  `<Tagging><TagSet>${Object.entries(tags)
    .map(([key, value]) => `<Tag><Key>${key}</Key><Value>${value}</Value></Tag>`)
    .join("")}</TagSet></Tagging>`;

/** Sets these tags on the object, keeping the others (GuardDuty's verdict among them). */
export async function tagObject(key: string, tags: Record<string, string>): Promise<void> {
  const merged = { ...(await objectTags(key)), ...tags };
  await client().send(
    new PutObjectTaggingCommand({
      Bucket: filesConfig().bucketName,
      Key: key,
      Tagging: { TagSet: Object.entries(merged).map(([Key, Value]) => ({ Key, Value })) },
    }),
  );
}

/** `attachment` with the name in both forms (RFC 6266): an ASCII fallback and the UTF-8 original. */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A short-lived download that S3 answers as an attachment with the file's own name and checked type. */
export async function presignedDownload(
  key: string,
  options: { name: string; contentType: string; expiresInSeconds: number },
): Promise<{ url: string; expiresAt: string }> {
  const { bucketName } = filesConfig();
  const url = await getSignedUrl(
    client(),
    new GetObjectCommand({
      Bucket: bucketName,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(options.name),
      ResponseContentType: options.contentType,
    }),
    { expiresIn: options.expiresInSeconds },
  );
  return { url, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000).toISOString() };
}

/** The object's real size, or undefined when there is none (never uploaded, or deleted). */
export async function objectSize(key: string): Promise<number | undefined> {
  try {
    const head = await client().send(new HeadObjectCommand({ Bucket: filesConfig().bucketName, Key: key }));
    return head.ContentLength;
  } catch (error) {
    if ((error as { name?: string }).name === "NotFound" || (error as { name?: string }).name === "NoSuchKey") {
      return undefined;
    }
    throw error;
  }
}

/** The object's first bytes (enough to sniff its type), without reading the rest. */
export async function objectStart(key: string, bytes: number): Promise<Uint8Array> {
  const answer = await client().send(
    new GetObjectCommand({ Bucket: filesConfig().bucketName, Key: key, Range: `bytes=0-${bytes - 1}` }),
  );
  return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
}

/**
 * The object's bytes as a stream, read as they are consumed (an import reads a large CSV with flat memory), from
 * `fromByte` on when given (a ranged GET: an import's next chunk starts where the last one stopped).
 */
export async function objectStream(key: string, fromByte = 0): Promise<AsyncIterable<Uint8Array>> {
  const answer = await client().send(
    new GetObjectCommand({
      Bucket: filesConfig().bucketName,
      Key: key,
      ...(fromByte > 0 ? { Range: `bytes=${fromByte}-` } : {}),
    }),
  );
  // In Node the body is an IncomingMessage, an async iterable of Buffers; none at all reads as empty.
  return (answer.Body ?? Readable.from([])) as AsyncIterable<Uint8Array>;
}

/** The object's tags (GuardDuty Malware Protection writes its verdict as `GuardDutyMalwareScanStatus`). */
export async function objectTags(key: string): Promise<Record<string, string>> {
  const answer = await client().send(new GetObjectTaggingCommand({ Bucket: filesConfig().bucketName, Key: key }));
  return Object.fromEntries((answer.TagSet ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

/** Writes a small object (a report) from memory. */
export async function putObject(key: string, body: string, contentType: string): Promise<void> {
  await client().send(
    new PutObjectCommand({ Bucket: filesConfig().bucketName, Key: key, Body: body, ContentType: contentType }),
  );
}

/** Streams a local file to the bucket (its size known, so one PUT; memory holds a chunk, not the file). */
export async function putObjectFromFile(
  key: string,
  path: string,
  options: { contentType: string; bytes: number },
): Promise<void> {
  await client().send(
    new PutObjectCommand({
      Bucket: filesConfig().bucketName,
      Key: key,
      Body: createReadStream(path),
      ContentLength: options.bytes,
      ContentType: options.contentType,
    }),
  );
}

export async function deleteObject(key: string): Promise<void> {
  await client().send(new DeleteObjectCommand({ Bucket: filesConfig().bucketName, Key: key }));
}
