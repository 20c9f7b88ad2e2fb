import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type S3ServiceException,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type LocalS3, type S3Event, startLocalS3 } from "@crm/local/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const region = "eu-west-1";
const bucket = "crm-files-test";
const appOrigin = "http://localhost:5173";
// Made up per run, so no key is written in the repository.
const credentials = {
  accessKeyId: `AKIALOCAL${randomBytes(6).toString("hex").toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString("base64"),
};

const cleanups: (() => unknown)[] = [];
// The stand-in and clients are stopped here whether the tests passed or not.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let s3: LocalS3;
let client: S3Client;
const events: S3Event[] = [];

const clientFor = (overrides: Partial<typeof credentials> = {}) => {
  const made = new S3Client({
    region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { ...credentials, ...overrides },
    // One attempt: a refused request is the answer under test, not something to retry.
    maxAttempts: 1,
  });
  cleanups.push(() => made.destroy());
  return made;
};

beforeAll(async () => {
  s3 = await startLocalS3({
    credentials,
    region,
    buckets: [bucket],
    cors: { allowedOrigins: [appOrigin], exposeHeaders: ["ETag"] },
  });
  cleanups.push(() => s3.close());
  s3.onObjectCreated((event) => {
    events.push(event);
  });
  client = clientFor();
});

/** A key of this test's own, so tests never see each other's objects. */
const aKey = (name: string) => `org_${randomBytes(4).toString("hex")}/${name}`;

/** Waits for the object-created notification of a key (S3 delivers them after answering). */
async function objectCreated(key: string, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = events.flatMap((event) => event.Records).find((candidate) => candidate.s3.object.key === key);
    if (record !== undefined) return record;
    if (Date.now() > deadline) throw new Error(`No ObjectCreated event for ${key} within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The S3 error an SDK call failed with. */
async function failureOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as S3ServiceException;
  }
  throw new Error("Expected the call to fail, and it succeeded.");
}

/** Status and error code of a plain HTTP answer (S3's `<Error><Code>…` body). */
async function answerOf(response: Response) {
  const body = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
  };
}

async function putText(
  key: string,
  body: string,
  input: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {},
) {
  return client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "text/plain", ...input }),
  );
}

describe("objects through the real S3 client", () => {
  it("stores, reads, describes and deletes an object", async () => {
    const key = aKey("notes.txt");

    const put = await putText(key, "first draft", { Metadata: { uploadedby: "mem_1" } });
    const read = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    expect(await read.Body?.transformToString()).toBe("first draft");
    expect(read.ContentType).toBe("text/plain");
    expect(read.ETag).toBe(put.ETag);
    expect(read.Metadata).toEqual({ uploadedby: "mem_1" });
    expect(head.ContentLength).toBe("first draft".length);
    expect(head.ETag).toBe(put.ETag);
    const missing = await failureOf(client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
    expect(missing.name).toBe("NoSuchKey");
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it("accepts a streamed body, which the SDK sends aws-chunked with a CRC32 trailer, and verifies the checksum", async () => {
    const key = aKey("streamed.bin");
    const bytes = randomBytes(70_000);

    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]),
        ContentLength: bytes.length,
      }),
    );

    const [stored] = s3.objects(bucket).filter((object) => object.key === key);
    expect(stored?.body.equals(bytes)).toBe(true);
    expect(stored?.checksum?.algorithm).toBe("crc32");
    expect(stored?.contentEncoding).toBeUndefined();
    const read = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    expect(Buffer.from((await read.Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
    expect(read.ChecksumCRC32).toBe(stored?.checksum?.value);
  });

  it.each([
    ["CRC32C", "crc32c", "ChecksumCRC32C"],
    ["CRC64NVME", "crc64nvme", "ChecksumCRC64NVME"],
    ["SHA1", "sha1", "ChecksumSHA1"],
    ["SHA256", "sha256", "ChecksumSHA256"],
  ] as const)(
    "verifies and keeps a %s checksum the SDK computed, and answers it on a read",
    async (algorithm, stored, field) => {
      const key = aKey(`checksum-${stored}.bin`);
      const bytes = randomBytes(5_000);

      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ChecksumAlgorithm: algorithm }));

      const [object] = s3.objects(bucket).filter((candidate) => candidate.key === key);
      expect(object?.checksum?.algorithm).toBe(stored);
      const read = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
      expect(Buffer.from((await read.Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
      expect(read[field]).toBe(object?.checksum?.value);
    },
  );

  it("refuses a body whose checksum is not the one sent as BadDigest, storing nothing", async () => {
    const key = aKey("corrupted.txt");

    const failure = await failureOf(putText(key, "hello", { ChecksumCRC32: "AAAAAA==" }));

    expect(failure.name).toBe("BadDigest");
    expect(failure.$metadata.httpStatusCode).toBe(400);
    expect(s3.objects(bucket).map((object) => object.key)).not.toContain(key);
  });

  it("accepts a client that computes checksums only when required (streams then arrive unchunked)", async () => {
    const plain = new S3Client({
      region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    cleanups.push(() => plain.destroy());
    const key = aKey("plain-stream.txt");

    await plain.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Readable.from([Buffer.from("streamed")]),
        ContentLength: 8,
      }),
    );

    const [stored] = s3.objects(bucket).filter((object) => object.key === key);
    expect(stored?.body.toString()).toBe("streamed");
    expect(stored?.checksum).toBeUndefined();
  });

  it("refuses a missing bucket as NoSuchBucket", async () => {
    const failure = await failureOf(client.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "x" })));

    expect(failure.name).toBe("NoSuchBucket");
    expect(failure.$metadata.httpStatusCode).toBe(404);
  });

  it("lists by prefix, a page at a time with continuation tokens", async () => {
    const folder = aKey("");
    for (const name of ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]) await putText(`${folder}${name}`, name);
    await putText(aKey("elsewhere.txt"), "not in the folder");

    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ""));
      token = page.NextContinuationToken;
      pages += 1;
    } while (token !== undefined);

    expect(keys).toEqual(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"].map((name) => `${folder}${name}`));
    expect(pages).toBe(3);
  });

  it("lists folders as common prefixes with a delimiter", async () => {
    const root = aKey("");
    await putText(`${root}deals/one.pdf`, "1");
    await putText(`${root}deals/two.pdf`, "2");
    await putText(`${root}readme.txt`, "3");

    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: root, Delimiter: "/" }));

    expect(listed.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual([`${root}deals/`]);
    expect(listed.Contents?.map((object) => object.Key)).toEqual([`${root}readme.txt`]);
    expect(listed.KeyCount).toBe(2);
  });

  it("deletes a batch of objects at once", async () => {
    const keys = [aKey("one.txt"), aKey("two.txt"), aKey("three.txt")];
    for (const key of keys) await putText(key, key);

    const deleted = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((key) => ({ Key: key })) } }),
    );

    expect(deleted.Deleted?.map((entry) => entry.Key).sort()).toEqual([...keys].sort());
    const remaining = s3.objects(bucket).map((object) => object.key);
    for (const key of keys) expect(remaining).not.toContain(key);
  });

  it("copies an object with its content type and metadata, and announces ObjectCreated:Copy", async () => {
    const source = aKey("original.pdf");
    const target = aKey("copy.pdf");
    await putText(source, "%PDF-1.7", { ContentType: "application/pdf", Metadata: { fileid: "file_1" } });

    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${source}` }));

    const copy = await client.send(new GetObjectCommand({ Bucket: bucket, Key: target }));
    expect(await copy.Body?.transformToString()).toBe("%PDF-1.7");
    expect(copy.ContentType).toBe("application/pdf");
    expect(copy.Metadata).toEqual({ fileid: "file_1" });
    expect((await objectCreated(target)).eventName).toBe("ObjectCreated:Copy");
  });

  it("announces a PutObject with S3's event notification, the key URL-encoded as S3 encodes it", async () => {
    const folder = aKey("");
    const key = `${folder}Q3 proposal+final (v2).pdf`;

    const put = await putText(key, "proposal");

    const record = await objectCreated(`${folder}Q3+proposal%2Bfinal+%28v2%29.pdf`);
    expect(record).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: region,
      eventName: "ObjectCreated:Put",
      s3: {
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { size: 8, eTag: put.ETag?.replaceAll('"', "") },
      },
    });
    expect(decodeURIComponent(record.s3.object.key.replaceAll("+", " "))).toBe(key);
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(Number.isNaN(Date.parse(record.eventTime))).toBe(false);
  });

  it("keeps tags, as GuardDuty Malware Protection writes its scan result", async () => {
    const key = aKey("scanned.pdf");
    await putText(key, "%PDF-1.7");

    await client.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: key,
        Tagging: { TagSet: [{ Key: "GuardDutyMalwareScanStatus", Value: "NO_THREATS_FOUND" }] },
      }),
    );
    const tagging = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));

    expect(tagging.TagSet).toEqual([{ Key: "GuardDutyMalwareScanStatus", Value: "NO_THREATS_FOUND" }]);
  });
});

describe("authentication, as S3 checks it", () => {
  it("refuses a request signed with the wrong secret as SignatureDoesNotMatch", async () => {
    const impostor = clientFor({ secretAccessKey: randomBytes(30).toString("base64") });

    const failure = await failureOf(impostor.send(new GetObjectCommand({ Bucket: bucket, Key: aKey("x") })));

    expect(failure.name).toBe("SignatureDoesNotMatch");
    expect(failure.$metadata.httpStatusCode).toBe(403);
  });

  it("refuses an access key it does not know as InvalidAccessKeyId", async () => {
    const stranger = clientFor({ accessKeyId: "AKIASTRANGER000000000" });

    const failure = await failureOf(stranger.send(new PutObjectCommand({ Bucket: bucket, Key: aKey("x"), Body: "x" })));

    expect(failure.name).toBe("InvalidAccessKeyId");
    expect(failure.$metadata.httpStatusCode).toBe(403);
  });

  it("refuses an anonymous request as AccessDenied", async () => {
    const key = aKey("private.txt");
    await putText(key, "private");

    const answer = await answerOf(await fetch(`${s3.endpoint}/${bucket}/${key}`));

    expect(answer).toMatchObject({ status: 403, code: "AccessDenied" });
  });
});

describe("presigned URLs", () => {
  const presignedDownload = async (key: string, options: Parameters<typeof getSignedUrl>[2] = { expiresIn: 3600 }) =>
    getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="Q3 proposal.pdf"; filename*=UTF-8''Q3%20proposal.pdf`,
      }),
      options,
    );

  it("downloads with a presigned GET, with the Content-Disposition the URL asks for", async () => {
    const key = aKey("proposal.pdf");
    await putText(key, "%PDF-1.7", { ContentType: "application/pdf" });

    const response = await fetch(await presignedDownload(key));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("%PDF-1.7");
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="Q3 proposal.pdf"; filename*=UTF-8''Q3%20proposal.pdf`,
    );
  });

  it("refuses a presigned URL whose key, expiry or signature was changed as SignatureDoesNotMatch", async () => {
    const key = aKey("contract.pdf");
    const other = aKey("other.pdf");
    await putText(key, "contract");
    await putText(other, "someone else's");
    const url = await presignedDownload(key);

    const tampered = [
      url.replace(`/${key}?`, `/${other}?`),
      url.replace("X-Amz-Expires=3600", "X-Amz-Expires=604800"),
      url.replace(
        /X-Amz-Signature=([0-9a-f]+)/,
        (_, signature: string) => `X-Amz-Signature=${[...signature].reverse().join("")}`,
      ),
      url.replace("attachment%3B", "inline%3B"),
    ];

    expect(tampered.every((candidate) => candidate !== url)).toBe(true);
    for (const candidate of tampered) {
      expect(await answerOf(await fetch(candidate))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    }
  });

  it("refuses a presigned URL past its expiry as AccessDenied, Request has expired", async () => {
    const key = aKey("old-link.pdf");
    await putText(key, "old");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);

    const url = await presignedDownload(key, { expiresIn: 60, signingDate: twoHoursAgo });

    expect(await answerOf(await fetch(url))).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Request has expired",
    });
  });

  it("uploads with a presigned PUT that signs its content type, and refuses the URL with another one", async () => {
    const key = aKey("upload.csv");
    // The presigner signs only `host` unless told: without this a PUT URL accepts any Content-Type, in S3 too.
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: "text/csv" }),
      {
        expiresIn: 300,
        signableHeaders: new Set(["content-type"]),
      },
    );

    const wrongType = await fetch(url, { method: "PUT", body: "a,b\n", headers: { "content-type": "text/html" } });
    const upload = await fetch(url, { method: "PUT", body: "a,b\n", headers: { "content-type": "text/csv" } });

    expect(new URL(url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-type;host");
    expect(await answerOf(wrongType)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(upload.status).toBe(200);
    expect((await objectCreated(key)).eventName).toBe("ObjectCreated:Put");
  });
});

describe("browser uploads with a presigned POST", () => {
  const maximumBytes = 1024;

  const presignedPost = (key: string, overrides: Partial<Parameters<typeof createPresignedPost>[1]> = {}) =>
    createPresignedPost(client, {
      Bucket: bucket,
      Key: key,
      Conditions: [
        ["content-length-range", 1, maximumBytes],
        ["eq", "$Content-Type", "application/pdf"],
      ],
      Fields: { "Content-Type": "application/pdf" },
      Expires: 300,
      ...overrides,
    });

  /** The form a browser sends: the policy's fields first, the file last. */
  function formOf(fields: Record<string, string>, file: Uint8Array, name = "proposal.pdf") {
    const form = new FormData();
    for (const [field, value] of Object.entries(fields)) form.append(field, value);
    form.append("file", new Blob([file]), name);
    return form;
  }

  it("accepts an upload within the policy with 204, and announces ObjectCreated:Post", async () => {
    const key = aKey("signed-quote.pdf");
    const { url, fields } = await presignedPost(key);

    const response = await fetch(url, { method: "POST", body: formOf(fields, Buffer.from("%PDF-1.7 quote")) });

    expect(response.status).toBe(204);
    const record = await objectCreated(key);
    expect(record.eventName).toBe("ObjectCreated:Post");
    expect(record.s3.object.size).toBe("%PDF-1.7 quote".length);
    const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(stored.ContentType).toBe("application/pdf");
    expect(await stored.Body?.transformToString()).toBe("%PDF-1.7 quote");
  });

  it("refuses a file larger than the policy's content-length-range as EntityTooLarge, storing nothing", async () => {
    const key = aKey("too-big.pdf");
    const { url, fields } = await presignedPost(key);

    const answer = await answerOf(
      await fetch(url, { method: "POST", body: formOf(fields, randomBytes(maximumBytes + 1)) }),
    );

    expect(answer).toMatchObject({ status: 400, code: "EntityTooLarge" });
    expect(s3.objects(bucket).map((object) => object.key)).not.toContain(key);
  });

  it("refuses a content type the policy does not allow with 403, storing nothing", async () => {
    const key = aKey("renamed.exe");
    const { url, fields } = await presignedPost(key);

    const answer = await answerOf(
      await fetch(url, {
        method: "POST",
        body: formOf({ ...fields, "Content-Type": "application/x-msdownload" }, Buffer.from("MZ")),
      }),
    );

    expect(answer).toMatchObject({ status: 403, code: "AccessDenied" });
    expect(answer.message).toContain("Policy Condition failed");
    expect(s3.objects(bucket).map((object) => object.key)).not.toContain(key);
  });

  it("refuses another key than the policy's, a field the policy does not name, and a forged policy", async () => {
    const key = aKey("mine.pdf");
    const { url, fields } = await presignedPost(key);
    const forgedPolicy = Buffer.from(
      Buffer.from(fields.Policy ?? "", "base64")
        .toString("utf8")
        .replace(`"${maximumBytes}"`, "1073741824")
        .replace(`,${maximumBytes}]`, ",1073741824]"),
    ).toString("base64");
    const file = Buffer.from("%PDF-1.7");

    const otherKey = await answerOf(
      await fetch(url, { method: "POST", body: formOf({ ...fields, key: aKey("theirs.pdf") }, file) }),
    );
    const extraField = await answerOf(
      await fetch(url, { method: "POST", body: formOf({ ...fields, "x-amz-meta-owner": "someone" }, file) }),
    );
    const forged = await answerOf(
      await fetch(url, { method: "POST", body: formOf({ ...fields, Policy: forgedPolicy }, file) }),
    );

    expect(forgedPolicy).not.toBe(fields.Policy);
    expect(otherKey).toMatchObject({ status: 403, code: "AccessDenied" });
    expect(extraField).toMatchObject({ status: 403, code: "AccessDenied" });
    expect(forged).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("refuses an upload after the policy's expiration", async () => {
    const key = aKey("late.pdf");
    const { url, fields } = await presignedPost(key, { Expires: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const answer = await answerOf(await fetch(url, { method: "POST", body: formOf(fields, Buffer.from("%PDF-1.7")) }));

    expect(answer).toMatchObject({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Policy expired.",
    });
  });

  it("answers a preflight from the app's origin, and refuses one from another origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${s3.endpoint}/${bucket}`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });

    const allowed = await preflight(appOrigin);
    const refused = await answerOf(await preflight("https://evil.example"));

    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(refused).toMatchObject({ status: 403, code: "AccessForbidden" });
  });
});

describe("a data directory", () => {
  it("keeps objects, their metadata and tags across a restart, and forgets deleted ones", async () => {
    // Prepare
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dataDirectory = await mkdtemp(join(tmpdir(), "crm-s3-"));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    const started = (port = 0) => startLocalS3({ credentials, region, buckets: [bucket], dataDirectory, port });
    const clientOf = (stand: LocalS3) => {
      const made = new S3Client({
        region,
        endpoint: stand.endpoint,
        forcePathStyle: true,
        credentials,
        maxAttempts: 1,
      });
      cleanups.push(() => made.destroy());
      return made;
    };
    const first = await started();
    cleanups.push(() => first.close());
    const before = clientOf(first);
    await before.send(
      new PutObjectCommand({ Bucket: bucket, Key: "orgs/a/kept.txt", Body: "kept ✓", ContentType: "text/plain" }),
    );
    await before.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: "orgs/a/kept.txt",
        Tagging: { TagSet: [{ Key: "crm-check", Value: "passed" }] },
      }),
    );
    await before.send(new PutObjectCommand({ Bucket: bucket, Key: "orgs/a/gone.txt", Body: "gone" }));
    await before.send(new DeleteObjectCommand({ Bucket: bucket, Key: "orgs/a/gone.txt" }));
    await first.close();

    // Act
    const second = await started();
    cleanups.push(() => second.close());
    const after = clientOf(second);

    // Assess
    const kept = await after.send(new GetObjectCommand({ Bucket: bucket, Key: "orgs/a/kept.txt" }));
    expect(await kept.Body?.transformToString()).toBe("kept ✓");
    expect(kept.ContentType).toBe("text/plain");
    const tags = await after.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "orgs/a/kept.txt" }));
    expect(tags.TagSet).toEqual([{ Key: "crm-check", Value: "passed" }]);
    const listed = await after.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map(({ Key }) => Key)).toEqual(["orgs/a/kept.txt"]);
  });
});
