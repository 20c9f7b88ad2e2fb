import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../gateway";
import {
  type Checksum,
  checksumHeaderOf,
  decodeAwsChunked,
  trailerChecksum,
  verifyChecksum,
  verifyContentMd5,
} from "./checksums";
import { compareKeys, ObjectStore, type StoredObject, validateTags } from "./object-store";
import { enforcePolicy, parsePolicy } from "./post-policy";
import {
  type Authentication,
  type Credentials,
  headerValue,
  RequestAuthenticator,
  type WireRequest,
} from "./request-signature";
import { S3Error, s3Errors } from "./s3-error";
import { type ObjectCreatedEventName, objectCreatedEvent, type S3Event } from "./s3-event";
import { childrenNamed, childText, document, element, parseXml, text } from "./s3-xml";

export type LocalS3CorsRule = {
  /** Origins allowed to call the bucket from a browser; one `*` wildcard each, as in an S3 CORS rule. */
  allowedOrigins: string[];
  /** Defaults to GET, PUT, POST and HEAD. */
  allowedMethods?: string[];
  /** Request headers a preflight may ask for; defaults to `*`. */
  allowedHeaders?: string[];
  /** Response headers a browser script may read (S3 exposes none unless told, so a browser needing ETag names it). */
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
};

export type LocalS3Options = {
  /** The one access key the stand-in knows; every request must be signed with its secret. */
  credentials: Credentials;
  /** The region requests must be signed for, and the events' awsRegion. */
  region: string;
  buckets: string[];
  /** One CORS rule for every bucket; without it a browser preflight is refused as S3 refuses it. */
  cors?: LocalS3CorsRule;
  /** 0 (the default) picks a free port. The stand-in listens on 127.0.0.1 only. */
  port?: number;
  /** Where objects are kept across restarts (a folder per bucket); without it they live in memory only. */
  dataDirectory?: string;
};

export type ObjectCreatedListener = (event: S3Event) => void | Promise<void>;

export type LocalS3 = {
  /** The endpoint for `new S3Client({ endpoint, forcePathStyle: true, region, credentials })`. */
  endpoint: string;
  region: string;
  /** Called with the S3 event notification after each PutObject, browser POST and CopyObject; returns an unsubscribe. */
  onObjectCreated(listener: ObjectCreatedListener): () => void;
  /** A bucket's objects in key order (copies), for tests to look at. */
  objects(bucket: string): StoredObject[];
  close(): Promise<void>;
};

const host = "127.0.0.1";
// Far above the product's 25 MB files, and bounded so a runaway client cannot fill the shared machine's memory.
const maximumRequestBytes = 64 * 1024 * 1024;
const maximumKeyBytes = 1024;
const defaultContentType = "binary/octet-stream";
const defaultCorsMethods = ["GET", "PUT", "POST", "HEAD"];
const keyRequiredSubresources = ["tagging"];
const unsupportedSubresources = [
  "acl",
  "attributes",
  "cors",
  "encryption",
  "legal-hold",
  "lifecycle",
  "location",
  "notification",
  "object-lock",
  "partNumber",
  "policy",
  "restore",
  "retention",
  "select",
  "torrent",
  "uploadId",
  "uploads",
  "versionId",
  "versioning",
  "versions",
  "website",
];
// The response-* query parameters of a GetObject, and the header each sets (how presigned downloads name a file).
const responseOverrides: [string, string][] = [
  ["response-content-type", "content-type"],
  ["response-content-disposition", "content-disposition"],
  ["response-content-encoding", "content-encoding"],
  ["response-content-language", "content-language"],
  ["response-cache-control", "cache-control"],
  ["response-expires", "expires"],
];

type Reply = { status: number; headers?: Record<string, string | number | undefined>; body?: Buffer | string };
type Context = {
  request: IncomingMessage;
  wire: WireRequest;
  bucket: string;
  key: string;
  query: Map<string, string>;
  region: string;
  requestId: string;
  hostId: string;
};
type Created = { eventName: ObjectCreatedEventName; bucket: string; object: StoredObject; principalId: string };

/**
 * An S3 stand-in of our own on 127.0.0.1 that the real `@aws-sdk/client-s3`, `s3-request-presigner` and
 * `s3-presigned-post` talk to (path-style: `forcePathStyle: true`), keeping objects in memory (and on disk with a `dataDirectory`). It exists because the
 * well-known fakes (s3rver, and others) accept any signature and ignore POST policies, while what the product
 * relies on is S3 refusing: every request is checked as S3 checks it, with SigV4 recomputed by the SDK's own signer
 * (`@smithy/signature-v4`) — a changed path, query parameter or signed header is SignatureDoesNotMatch, an expired
 * presigned URL is AccessDenied "Request has expired", a POST's policy is verified and its conditions enforced.
 *
 * Operations: PutObject, GetObject (Range, If-Match / If-None-Match, the response-* overrides of presigned
 * downloads), HeadObject, DeleteObject, DeleteObjects, ListObjectsV2, CopyObject, Get/Put/DeleteObjectTagging,
 * HeadBucket, ListBuckets, browser POST uploads and CORS preflights; each answered in S3's wire format (XML bodies,
 * S3's error codes and messages). After a PutObject, POST or CopyObject the listeners get S3's event notification.
 *
 * Checksums: since 3.7xx the SDK computes a CRC32 for every PutObject it can (`requestChecksumCalculation`
 * defaults to WHEN_SUPPORTED). A string or buffer body arrives with an `x-amz-checksum-crc32` header; a stream body
 * arrives `aws-chunked` (`Content-Encoding: aws-chunked`, `x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`,
 * `x-amz-decoded-content-length`, the checksum in an `x-amz-checksum-crc32` trailer). Both are supported and the
 * checksum verified (BadDigest on a mismatch), so clients need no `requestChecksumCalculation: "WHEN_REQUIRED"`;
 * with it, streams arrive plain with UNSIGNED-PAYLOAD, also supported. GetObject and HeadObject return the stored
 * checksum when asked (`x-amz-checksum-mode: ENABLED`, which the SDK sends), so the SDK's response validation runs
 * too. A presigned PUT from `getSignedUrl` carries `x-amz-checksum-crc32=AAAAAA==` (the CRC32 of the empty body it
 * had when signed) in its query; it is ignored here, as LocalStack found S3 ignores it (localstack#12169), though
 * S3-compatible stores refuse it, so the product presigns with `requestChecksumCalculation: "WHEN_REQUIRED"`.
 * Signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), which the SDK does not send, and multipart uploads are
 * answered NotImplemented.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  for (const bucket of options.buckets) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes("..")) {
      throw new Error(
        `Not an S3 bucket name: ${JSON.stringify(bucket)} (3–63 lower-case letters, digits, dots, hyphens).`,
      );
    }
  }
  const store = new ObjectStore(options.buckets, options.dataDirectory);
  const authenticator = new RequestAuthenticator([options.credentials], options.region);
  const listeners = new Set<ObjectCreatedListener>();

  const notify = (created: Created, context: Context) => {
    const event = objectCreatedEvent({
      ...created,
      region: options.region,
      sourceIp: context.request.socket.remoteAddress ?? host,
      requestId: context.requestId,
      hostId: context.hostId,
    });
    for (const listener of listeners) {
      // Delivered after the answer, as S3 delivers: a failing subscriber never fails the upload.
      Promise.resolve()
        .then(() => listener(event))
        .catch((error) => console.error("[s3] an object-created listener failed:", error));
    }
  };

  const server = createServer(async (request, response) => {
    const requestId = randomBytes(8).toString("hex").toUpperCase();
    const hostId = randomBytes(24).toString("base64");
    const common: Record<string, string | undefined> = {
      "x-amz-request-id": requestId,
      "x-amz-id-2": hostId,
      server: "AmazonS3",
      ...corsHeaders(options.cors, request),
    };
    try {
      const wire = wireRequestOf(request);
      const { bucket, key } = route(wire.rawPath);
      const context: Context = {
        request,
        wire,
        bucket,
        key,
        query: new Map(wire.query),
        region: options.region,
        requestId,
        hostId,
      };
      if (request.method === "OPTIONS") return send(response, request, common, preflight(options.cors, request));
      const raw = await readBody(request, maximumRequestBytes);
      if (raw === null) {
        throw s3Errors.entityTooLarge(
          Number(request.headers["content-length"] ?? maximumRequestBytes + 1),
          maximumRequestBytes,
        );
      }
      const isBrowserPost =
        request.method === "POST" &&
        key === "" &&
        (headerValue(request.headers, "content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
      if (isBrowserPost) {
        const { reply, created } = await browserPost(store, authenticator, context, raw);
        send(response, request, common, reply);
        if (created) notify(created, context);
        return;
      }
      const authentication = await authenticator.authenticate(wire, new Date());
      const payload = payloadOf(request, authentication, raw);
      const { reply, created } = perform(store, context, authentication, payload);
      send(response, request, common, reply);
      if (created) notify(created, context);
    } catch (error) {
      if (!(error instanceof S3Error)) {
        console.error(`[s3] ${request.method} ${request.url} failed:`, error);
      }
      const s3Error = error instanceof S3Error ? error : s3Errors.internalError();
      send(response, request, common, {
        status: s3Error.status,
        headers: { "content-type": "application/xml", ...s3Error.headers },
        body: s3Error.toXml(requestId, hostId),
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    region: options.region,
    onObjectCreated: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    objects: (bucket) =>
      store.sortedKeys(bucket).map((key) => {
        const object = store.object(bucket, key);
        return {
          ...object,
          body: Buffer.from(object.body),
          metadata: { ...object.metadata },
          tags: { ...object.tags },
        };
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  common: Record<string, string | undefined>,
  reply: Reply,
): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
  const headers: Record<string, string | number> = {};
  for (const [name, value] of [...Object.entries(common), ...Object.entries(reply.headers ?? {})]) {
    if (value !== undefined) headers[name] = value;
  }
  if (headers["content-length"] === undefined) headers["content-length"] = body.length;
  response.writeHead(reply.status, headers);
  // S3 answers a HEAD, error or not, with headers only.
  response.end(request.method === "HEAD" ? undefined : body);
}

function wireRequestOf(request: IncomingMessage): WireRequest {
  const target = request.url ?? "/";
  const questionMark = target.indexOf("?");
  const rawPath = questionMark === -1 ? target : target.slice(0, questionMark);
  const rawQuery = questionMark === -1 ? "" : target.slice(questionMark + 1);
  const query: [string, string][] = [];
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? "" : pair.slice(equals + 1);
    // A `+` in a query is a space to S3, as in a form; the SDK itself always writes %20.
    query.push([decodeUriPart(name.replaceAll("+", " ")), decodeUriPart(value.replaceAll("+", " "))]);
  }
  return { method: request.method ?? "GET", rawPath, query, headers: request.headers };
}

function decodeUriPart(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.", 400);
  }
}

/** Path-style addressing: `/<bucket>/<key>`, the key percent-decoded. */
function route(rawPath: string): { bucket: string; key: string } {
  if (!rawPath.startsWith("/")) throw new S3Error("InvalidURI", "Couldn't parse the specified URI.", 400);
  const slash = rawPath.indexOf("/", 1);
  const bucket = decodeUriPart(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash === -1 ? "" : decodeUriPart(rawPath.slice(slash + 1));
  if (Buffer.byteLength(key, "utf8") > maximumKeyBytes) {
    throw new S3Error("KeyTooLongError", "Your key is too long", 400, { MaxSizeAllowed: maximumKeyBytes });
  }
  return { bucket, key };
}

/** The body as the client meant it: aws-chunked decoded, checked against the declared digest and checksums. */
function payloadOf(
  request: IncomingMessage,
  authentication: Authentication,
  raw: Buffer,
): { body: Buffer; checksum?: Checksum } {
  const declared = authentication.payloadHash;
  let body = raw;
  let checksum = checksumHeaderOf(request.headers);
  if (declared === "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
    const decoded = decodeAwsChunked(raw);
    body = decoded.payload;
    const length = headerValue(request.headers, "x-amz-decoded-content-length");
    if (length !== undefined && Number(length) !== body.length) throw s3Errors.incompleteBody();
    checksum = trailerChecksum(headerValue(request.headers, "x-amz-trailer"), decoded.trailers) ?? checksum;
  } else if (declared.startsWith("STREAMING-")) {
    throw s3Errors.notImplemented(`x-amz-content-sha256 ${declared}; the SDK sends STREAMING-UNSIGNED-PAYLOAD-TRAILER`);
  } else if (/^[0-9a-f]{64}$/.test(declared)) {
    const computed = createHash("sha256").update(raw).digest("hex");
    if (computed !== declared) throw s3Errors.contentSha256Mismatch(declared, computed);
  } else if (declared !== "UNSIGNED-PAYLOAD") {
    throw s3Errors.invalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value.",
      "x-amz-content-sha256",
      declared,
    );
  }
  if (checksum !== undefined) verifyChecksum(checksum, body);
  verifyContentMd5(headerValue(request.headers, "content-md5"), body);
  return checksum === undefined ? { body } : { body, checksum };
}

type Outcome = { reply: Reply; created?: Created };

function perform(
  store: ObjectStore,
  context: Context,
  authentication: Authentication,
  payload: { body: Buffer; checksum?: Checksum },
): Outcome {
  const { request, bucket, key, query } = context;
  const method = request.method ?? "GET";
  if (bucket === "") {
    if (method !== "GET") throw s3Errors.methodNotAllowed(method, "SERVICE");
    return { reply: listBuckets(store) };
  }
  store.bucket(bucket);
  const unsupported = unsupportedSubresources.find((name) => query.has(name));
  if (unsupported !== undefined) throw s3Errors.notImplemented(`?${unsupported}`);
  const principalId = `AWS:${authentication.accessKeyId}`;
  if (key === "") {
    if (keyRequiredSubresources.some((name) => query.has(name))) throw s3Errors.notImplemented("bucket tagging");
    if (method === "HEAD") return { reply: { status: 200, headers: { "x-amz-bucket-region": context.region } } };
    if (method === "GET" && query.get("list-type") === "2") return { reply: listObjectsV2(store, bucket, query) };
    if (method === "GET") throw s3Errors.notImplemented("ListObjects version 1; use ListObjectsV2");
    if (method === "POST" && query.has("delete")) return { reply: deleteObjects(store, bucket, request, payload) };
    throw s3Errors.methodNotAllowed(method, "BUCKET");
  }
  if (query.has("tagging")) {
    if (method === "GET") return { reply: getObjectTagging(store, bucket, key) };
    if (method === "PUT") return { reply: putObjectTagging(store, bucket, key, request, payload) };
    if (method === "DELETE") {
      store.object(bucket, key).tags = {};
      store.bucket(bucket).saved(key);
      return { reply: { status: 204 } };
    }
    throw s3Errors.methodNotAllowed(method, "OBJECT");
  }
  switch (method) {
    case "PUT":
      return request.headers["x-amz-copy-source"] === undefined
        ? putObject(store, bucket, key, request, payload, principalId)
        : copyObject(store, bucket, key, request, principalId);
    case "GET":
    case "HEAD":
      return { reply: getObject(store.object(bucket, key), request, query) };
    case "DELETE":
      // S3 answers 204 whether or not there was an object.
      store.bucket(bucket).delete(key);
      return { reply: { status: 204 } };
    default:
      throw s3Errors.methodNotAllowed(method, "OBJECT");
  }
}

function etagOf(body: Buffer): string {
  return `"${createHash("md5").update(body).digest("hex")}"`;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The stored headers of a PUT or a replacing copy: content headers and x-amz-meta-*. */
function describedBy(headers: IncomingMessage["headers"]) {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("x-amz-meta-") && value !== undefined)
      metadata[name.slice("x-amz-meta-".length)] = String(value);
  }
  const contentEncoding = (headerValue(headers, "content-encoding") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part !== "aws-chunked")
    .join(",");
  return {
    contentType: headerValue(headers, "content-type") ?? defaultContentType,
    contentDisposition: headerValue(headers, "content-disposition"),
    contentEncoding: contentEncoding === "" ? undefined : contentEncoding,
    contentLanguage: headerValue(headers, "content-language"),
    cacheControl: headerValue(headers, "cache-control"),
    expires: headerValue(headers, "expires"),
    metadata,
  };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

function tagsFromHeader(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  return validateTags([...new URLSearchParams(value).entries()]);
}

function putObject(
  store: ObjectStore,
  bucket: string,
  key: string,
  request: IncomingMessage,
  payload: { body: Buffer; checksum?: Checksum },
  principalId: string,
): Outcome {
  if (
    request.headers["content-length"] === undefined &&
    request.headers["x-amz-decoded-content-length"] === undefined
  ) {
    throw s3Errors.missingContentLength();
  }
  const objects = store.bucket(bucket);
  // A conditional write (If-None-Match: *) fails when the key exists, as S3's does.
  if (headerValue(request.headers, "if-none-match") === "*" && objects.has(key)) {
    throw s3Errors.preconditionFailed("If-None-Match");
  }
  const object: StoredObject = withoutUndefined({
    key,
    body: payload.body,
    etag: etagOf(payload.body),
    ...describedBy(request.headers),
    tags: tagsFromHeader(headerValue(request.headers, "x-amz-tagging")),
    lastModified: wholeSeconds(new Date()),
    checksum: payload.checksum,
  });
  objects.set(key, object);
  return {
    reply: {
      status: 200,
      headers: { etag: object.etag, "x-amz-server-side-encryption": "AES256", ...checksumHeaders(object) },
    },
    created: { eventName: "ObjectCreated:Put", bucket, object, principalId },
  };
}

function checksumHeaders(object: StoredObject): Record<string, string> {
  if (object.checksum === undefined) return {};
  return {
    [`x-amz-checksum-${object.checksum.algorithm}`]: object.checksum.value,
    "x-amz-checksum-type": "FULL_OBJECT",
  };
}

function copyObject(
  store: ObjectStore,
  bucket: string,
  key: string,
  request: IncomingMessage,
  principalId: string,
): Outcome {
  const source = String(headerValue(request.headers, "x-amz-copy-source"));
  const path = source.split("?")[0] ?? "";
  const trimmed = path.startsWith("/") ? path.slice(1) : path;
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw s3Errors.invalidArgument("Invalid copy source object key", "x-amz-copy-source", source);
  }
  const sourceBucket = decodeUriPart(trimmed.slice(0, slash));
  const sourceKey = decodeUriPart(trimmed.slice(slash + 1));
  const original = store.object(sourceBucket, sourceKey);
  const copyIfMatch = headerValue(request.headers, "x-amz-copy-source-if-match");
  if (copyIfMatch !== undefined && copyIfMatch !== original.etag && `"${copyIfMatch}"` !== original.etag) {
    throw s3Errors.preconditionFailed("x-amz-copy-source-If-Match");
  }
  const replaceMetadata = headerValue(request.headers, "x-amz-metadata-directive") === "REPLACE";
  const replaceTags = headerValue(request.headers, "x-amz-tagging-directive") === "REPLACE";
  if (sourceBucket === bucket && sourceKey === key && !replaceMetadata) {
    throw s3Errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const description = replaceMetadata
    ? describedBy(request.headers)
    : {
        contentType: original.contentType,
        contentDisposition: original.contentDisposition,
        contentEncoding: original.contentEncoding,
        contentLanguage: original.contentLanguage,
        cacheControl: original.cacheControl,
        expires: original.expires,
        metadata: { ...original.metadata },
      };
  const object: StoredObject = withoutUndefined({
    key,
    body: Buffer.from(original.body),
    etag: original.etag,
    ...description,
    tags: replaceTags ? tagsFromHeader(headerValue(request.headers, "x-amz-tagging")) : { ...original.tags },
    lastModified: wholeSeconds(new Date()),
    checksum: original.checksum,
  });
  store.bucket(bucket).set(key, object);
  return {
    reply: {
      status: 200,
      headers: { "content-type": "application/xml", "x-amz-server-side-encryption": "AES256" },
      body: document(
        "CopyObjectResult",
        text("LastModified", object.lastModified.toISOString()),
        text("ETag", object.etag),
      ),
    },
    created: { eventName: "ObjectCreated:Copy", bucket, object, principalId },
  };
}

function getObject(object: StoredObject, request: IncomingMessage, query: Map<string, string>): Reply {
  const ifMatch = headerValue(request.headers, "if-match");
  if (ifMatch !== undefined && !etagMatches(ifMatch, object.etag)) throw s3Errors.preconditionFailed("If-Match");
  const ifNoneMatch = headerValue(request.headers, "if-none-match");
  const headers: Record<string, string | number | undefined> = {
    "content-type": object.contentType,
    "content-disposition": object.contentDisposition,
    "content-encoding": object.contentEncoding,
    "content-language": object.contentLanguage,
    "cache-control": object.cacheControl,
    expires: object.expires,
    etag: object.etag,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    "x-amz-server-side-encryption": "AES256",
    "x-amz-tagging-count": Object.keys(object.tags).length > 0 ? Object.keys(object.tags).length : undefined,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const [parameter, header] of responseOverrides) {
    const value = query.get(parameter);
    if (value !== undefined) headers[header] = value;
  }
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, object.etag)) {
    return {
      status: 304,
      headers: { etag: object.etag, "last-modified": headers["last-modified"], "content-length": undefined },
    };
  }
  const range = headerValue(request.headers, "range");
  if (range !== undefined) {
    const [start, end] = byteRange(range, object.body.length);
    if (start !== undefined && end !== undefined) {
      return {
        status: 206,
        headers: { ...headers, "content-range": `bytes ${start}-${end}/${object.body.length}` },
        body: object.body.subarray(start, end + 1),
      };
    }
  }
  if (headerValue(request.headers, "x-amz-checksum-mode") === "ENABLED")
    Object.assign(headers, checksumHeaders(object));
  return { status: 200, headers: { ...headers, "content-length": object.body.length }, body: object.body };
}

function etagMatches(condition: string, etag: string): boolean {
  return condition
    .split(",")
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === "*" || candidate === etag || `"${candidate}"` === etag);
}

/** A single `bytes=` range as S3 reads it; an unsatisfiable one is InvalidRange, a malformed one is ignored. */
function byteRange(range: string, size: number): [number, number] | [] {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (match === null || (match[1] === "" && match[2] === "")) return [];
  const [, from = "", to = ""] = match;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) throw s3Errors.invalidRange(size);
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  if (start >= size) throw s3Errors.invalidRange(size);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return end < start ? [] : [start, end];
}

function listBuckets(store: ObjectStore): Reply {
  return xmlReply(
    document(
      "ListAllMyBucketsResult",
      element("Owner", text("ID", "local"), text("DisplayName", "local")),
      element(
        "Buckets",
        store
          .bucketNames()
          .map((name) => element("Bucket", text("Name", name), text("CreationDate", new Date(0).toISOString()))),
      ),
    ),
  );
}

function xmlReply(body: string): Reply {
  return { status: 200, headers: { "content-type": "application/xml" }, body };
}

type ListItem = { kind: "key" | "prefix"; value: string };

function listObjectsV2(store: ObjectStore, bucket: string, query: Map<string, string>): Reply {
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") || undefined;
  const encoding = query.get("encoding-type");
  if (encoding !== undefined && encoding !== "url") {
    throw s3Errors.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
  }
  const maxKeysText = query.get("max-keys") ?? "1000";
  if (!/^\d+$/.test(maxKeysText)) {
    throw s3Errors.invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", maxKeysText);
  }
  const maxKeys = Math.min(Number(maxKeysText), 1000);
  const continuationToken = query.get("continuation-token");
  const startAfter = query.get("start-after");
  const resumeAfter = continuationToken === undefined ? undefined : readToken(continuationToken);
  const after = resumeAfter ?? (startAfter === undefined ? undefined : { kind: "key" as const, value: startAfter });
  const objects = store.bucket(bucket);
  const items: ListItem[] = [];
  let truncated = false;
  for (const key of store.sortedKeys(bucket)) {
    if (!key.startsWith(prefix)) continue;
    if (after !== undefined) {
      if (compareKeys(key, after.value) <= 0) continue;
      if (after.kind === "prefix" && key.startsWith(after.value)) continue;
    }
    const rest = key.slice(prefix.length);
    const cut = delimiter === undefined ? -1 : rest.indexOf(delimiter);
    const item: ListItem =
      cut === -1
        ? { kind: "key", value: key }
        : { kind: "prefix", value: key.slice(0, prefix.length + cut + (delimiter?.length ?? 0)) };
    const last = items[items.length - 1];
    if (item.kind === "prefix" && last?.kind === "prefix" && last.value === item.value) continue;
    if (items.length === maxKeys) {
      truncated = true;
      break;
    }
    items.push(item);
  }
  const encode = (value: string) => (encoding === "url" ? encodeURIComponent(value).replaceAll("%2F", "/") : value);
  const lastItem = items[items.length - 1];
  return xmlReply(
    document(
      "ListBucketResult",
      text("Name", bucket),
      text("Prefix", encode(prefix)),
      text("Delimiter", delimiter === undefined ? undefined : encode(delimiter)),
      text("MaxKeys", maxKeys),
      text("EncodingType", encoding),
      text("KeyCount", items.length),
      text("IsTruncated", truncated),
      text("ContinuationToken", continuationToken),
      text("NextContinuationToken", truncated && lastItem !== undefined ? writeToken(lastItem) : undefined),
      text("StartAfter", startAfter === undefined ? undefined : encode(startAfter)),
      items
        .filter((item) => item.kind === "key")
        .map((item) => {
          const object = objects.get(item.value) as StoredObject;
          return element(
            "Contents",
            text("Key", encode(object.key)),
            text("LastModified", object.lastModified.toISOString()),
            text("ETag", object.etag),
            text("ChecksumAlgorithm", object.checksum?.algorithm.toUpperCase()),
            text("ChecksumType", object.checksum === undefined ? undefined : "FULL_OBJECT"),
            text("Size", object.body.length),
            text("StorageClass", "STANDARD"),
          );
        }),
      items
        .filter((item) => item.kind === "prefix")
        .map((item) => element("CommonPrefixes", text("Prefix", encode(item.value)))),
    ),
  );
}

function writeToken(item: ListItem): string {
  return Buffer.from(JSON.stringify(item), "utf8").toString("base64url");
}

function readToken(token: string): ListItem {
  try {
    const item = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ListItem;
    if ((item.kind === "key" || item.kind === "prefix") && typeof item.value === "string") return item;
  } catch {
    // Not one of ours: answered below as S3 answers a foreign token.
  }
  throw s3Errors.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
}

/** S3 takes a DeleteObjects or PutObjectTagging body only with an integrity check (Content-MD5 or a checksum). */
function requireIntegrityCheck(request: IncomingMessage, payload: { checksum?: Checksum }): void {
  if (payload.checksum === undefined && request.headers["content-md5"] === undefined) {
    throw s3Errors.invalidRequest("Missing required header for this request: Content-MD5 or x-amz-checksum-*");
  }
}

function readDocument(body: Buffer, root: string) {
  try {
    const node = parseXml(body.toString("utf8"));
    if (node.name === root) return node;
  } catch {
    // Answered below, as S3 answers any document it cannot read.
  }
  throw s3Errors.malformedXml();
}

function deleteObjects(
  store: ObjectStore,
  bucket: string,
  request: IncomingMessage,
  payload: { body: Buffer; checksum?: Checksum },
): Reply {
  requireIntegrityCheck(request, payload);
  const deletion = readDocument(payload.body, "Delete");
  const keys = childrenNamed(deletion, "Object").map((object) => childText(object, "Key"));
  if (keys.length === 0 || keys.length > 1000 || keys.some((key) => key === undefined)) throw s3Errors.malformedXml();
  const quiet = childText(deletion, "Quiet") === "true";
  const objects = store.bucket(bucket);
  for (const key of keys) objects.delete(key as string);
  return xmlReply(document("DeleteResult", quiet ? [] : keys.map((key) => element("Deleted", text("Key", key)))));
}

function getObjectTagging(store: ObjectStore, bucket: string, key: string): Reply {
  const object = store.object(bucket, key);
  return xmlReply(
    document(
      "Tagging",
      element(
        "TagSet",
        Object.entries(object.tags).map(([name, value]) => element("Tag", text("Key", name), text("Value", value))),
      ),
    ),
  );
}

function putObjectTagging(
  store: ObjectStore,
  bucket: string,
  key: string,
  request: IncomingMessage,
  payload: { body: Buffer; checksum?: Checksum },
): Reply {
  const object = store.object(bucket, key);
  requireIntegrityCheck(request, payload);
  const tagging = readDocument(payload.body, "Tagging");
  const tagSet = childrenNamed(tagging, "TagSet")[0];
  if (tagSet === undefined) throw s3Errors.malformedXml();
  const pairs = childrenNamed(tagSet, "Tag").map((tag): [string, string] => {
    const name = childText(tag, "Key");
    if (name === undefined) throw s3Errors.malformedXml();
    return [name, childText(tag, "Value") ?? ""];
  });
  object.tags = validateTags(pairs);
  store.bucket(bucket).saved(key);
  return { status: 200 };
}

/**
 * A browser upload (POST with multipart/form-data): the policy's signature is checked, then the policy judged against
 * the fields before the file (S3 ignores fields after it) and the file's size. The object is stored only if all
 * holds; the answer is success_action_redirect's 303, success_action_status 200 or 201 (with a PostResponse), or 204.
 */
async function browserPost(
  store: ObjectStore,
  authenticator: RequestAuthenticator,
  context: Context,
  raw: Buffer,
): Promise<Outcome> {
  const { request, bucket } = context;
  store.bucket(bucket);
  let form: FormData;
  try {
    form = await new Request("http://local-s3/", {
      method: "POST",
      headers: { "content-type": String(request.headers["content-type"]) },
      body: new Uint8Array(raw),
    }).formData();
  } catch {
    throw new S3Error(
      "MalformedPOSTRequest",
      "The body of your POST request is not well-formed multipart/form-data.",
      400,
    );
  }
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form.entries()) {
    if (name.toLowerCase() === "file") {
      if (typeof value === "string") {
        file = new File([value], "");
      } else {
        file = value;
      }
      break;
    }
    if (typeof value === "string" && !fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), value);
  }
  const encodedPolicy = fields.get("policy");
  // A POST without a policy is anonymous, and the buckets are private.
  if (encodedPolicy === undefined) throw s3Errors.accessDenied();
  const { accessKeyId } = await authenticator.authenticatePolicy({
    algorithm: fields.get("x-amz-algorithm"),
    credential: fields.get("x-amz-credential"),
    date: fields.get("x-amz-date"),
    signature: fields.get("x-amz-signature"),
    policy: encodedPolicy,
  });
  if (file === undefined) {
    throw s3Errors.invalidArgument("POST requires exactly one file upload per request.", "file", "0");
  }
  const keyField = fields.get("key");
  if (keyField === undefined) {
    throw s3Errors.invalidArgument(
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      "key",
      "",
    );
  }
  const body = Buffer.from(await file.arrayBuffer());
  enforcePolicy(parsePolicy(encodedPolicy), { bucket, fields, fileSize: body.length }, new Date());
  // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder for the uploaded file's name.
  const key = keyField.replaceAll("${filename}", file.name);
  if (key === "") throw s3Errors.invalidArgument("User key must have a length greater than 0.", "key", "");
  const checksum = checksumHeaderOf(Object.fromEntries(fields));
  if (checksum !== undefined) verifyChecksum(checksum, body);
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields)
    if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
  const tagging = fields.get("tagging");
  const object: StoredObject = withoutUndefined({
    key,
    body,
    etag: etagOf(body),
    contentType: fields.get("content-type") ?? defaultContentType,
    contentDisposition: fields.get("content-disposition"),
    contentEncoding: fields.get("content-encoding"),
    cacheControl: fields.get("cache-control"),
    expires: fields.get("expires"),
    metadata,
    tags: tagging === undefined ? {} : tagsOfDocument(tagging),
    lastModified: wholeSeconds(new Date()),
    checksum,
  });
  store.bucket(bucket).set(key, object);
  const created: Created = { eventName: "ObjectCreated:Post", bucket, object, principalId: `AWS:${accessKeyId}` };
  const location = `http://${request.headers.host ?? host}/${bucket}/${encodeURIComponent(key).replaceAll("%2F", "/")}`;
  const headers = { etag: object.etag, location, "x-amz-server-side-encryption": "AES256" };
  const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
  if (redirect !== undefined && /^https?:\/\//.test(redirect)) {
    const target = new URL(redirect);
    target.searchParams.set("bucket", bucket);
    target.searchParams.set("key", key);
    target.searchParams.set("etag", object.etag);
    return { reply: { status: 303, headers: { ...headers, location: target.toString() } }, created };
  }
  const status = fields.get("success_action_status");
  if (status === "201") {
    const body201 = document(
      "PostResponse",
      text("Location", location),
      text("Bucket", bucket),
      text("Key", key),
      text("ETag", object.etag),
    );
    return {
      reply: { status: 201, headers: { ...headers, "content-type": "application/xml" }, body: body201 },
      created,
    };
  }
  return { reply: { status: status === "200" ? 200 : 204, headers }, created };
}

function tagsOfDocument(xml: string): Record<string, string> {
  const tagging = readDocument(Buffer.from(xml, "utf8"), "Tagging");
  const tagSet = childrenNamed(tagging, "TagSet")[0];
  if (tagSet === undefined) throw s3Errors.malformedXml();
  return validateTags(
    childrenNamed(tagSet, "Tag").map((tag): [string, string] => [
      childText(tag, "Key") ?? "",
      childText(tag, "Value") ?? "",
    ]),
  );
}

/** The CORS rule's verdict on an origin and method, as S3 matches them (one `*` wildcard per pattern). */
function corsAllows(rule: LocalS3CorsRule | undefined, origin: string, method: string): boolean {
  if (rule === undefined) return false;
  const methods = rule.allowedMethods ?? defaultCorsMethods;
  return methods.includes(method) && rule.allowedOrigins.some((pattern) => wildcardMatches(pattern, origin));
}

function wildcardMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const expression = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${expression}$`, caseInsensitive ? "i" : "").test(value);
}

function allowedOriginHeader(rule: LocalS3CorsRule, origin: string): string {
  return rule.allowedOrigins.includes("*") ? "*" : origin;
}

/** The Access-Control-* headers S3 adds to an actual request from an allowed origin. */
function corsHeaders(rule: LocalS3CorsRule | undefined, request: IncomingMessage): Record<string, string | undefined> {
  const origin = headerValue(request.headers, "origin");
  if (origin === undefined || request.method === "OPTIONS" || rule === undefined) return {};
  if (!corsAllows(rule, origin, request.method ?? "GET")) return {};
  const allowOrigin = allowedOriginHeader(rule, origin);
  return withoutUndefined({
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-methods": (rule.allowedMethods ?? defaultCorsMethods).join(", "),
    "access-control-expose-headers": rule.exposeHeaders?.length ? rule.exposeHeaders.join(", ") : undefined,
    "access-control-max-age": rule.maxAgeSeconds === undefined ? undefined : String(rule.maxAgeSeconds),
    "access-control-allow-credentials": allowOrigin === "*" ? undefined : "true",
    vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
  });
}

/** An OPTIONS preflight, answered from the CORS rule as S3 answers it (403 AccessForbidden when it does not allow). */
function preflight(rule: LocalS3CorsRule | undefined, request: IncomingMessage): Reply {
  const origin = headerValue(request.headers, "origin");
  const method = headerValue(request.headers, "access-control-request-method");
  if (origin === undefined || method === undefined) {
    throw new S3Error("BadRequest", "Insufficient information. Origin request header needed.", 400);
  }
  if (rule === undefined) throw s3Errors.corsForbidden("CORS is not enabled for this bucket.");
  const requestedHeaders = (headerValue(request.headers, "access-control-request-headers") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  const allowedHeaders = rule.allowedHeaders ?? ["*"];
  const headersAllowed = requestedHeaders.every((name) =>
    allowedHeaders.some((pattern) => wildcardMatches(pattern, name, true)),
  );
  if (!corsAllows(rule, origin, method) || !headersAllowed) {
    throw s3Errors.corsForbidden(
      "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
    );
  }
  const allowOrigin = allowedOriginHeader(rule, origin);
  return {
    status: 200,
    headers: withoutUndefined({
      "access-control-allow-origin": allowOrigin,
      "access-control-allow-methods": (rule.allowedMethods ?? defaultCorsMethods).join(", "),
      "access-control-allow-headers": requestedHeaders.length > 0 ? requestedHeaders.join(", ") : undefined,
      "access-control-expose-headers": rule.exposeHeaders?.length ? rule.exposeHeaders.join(", ") : undefined,
      "access-control-max-age": rule.maxAgeSeconds === undefined ? undefined : String(rule.maxAgeSeconds),
      "access-control-allow-credentials": allowOrigin === "*" ? undefined : "true",
      vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }),
  };
}
