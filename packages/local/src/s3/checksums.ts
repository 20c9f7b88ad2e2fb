import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { S3Error, s3Errors } from "./s3-error";

/** The flexible checksums S3 takes in `x-amz-checksum-<algorithm>` headers or an aws-chunked trailer. */
export const checksumAlgorithms = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof checksumAlgorithms)[number];
export type Checksum = { algorithm: ChecksumAlgorithm; value: string };

const isChecksumAlgorithm = (name: string): name is ChecksumAlgorithm =>
  (checksumAlgorithms as readonly string[]).includes(name);

/** The checksum header a request carries, if any; two different ones are refused as S3 refuses them. */
export function checksumHeaderOf(headers: Record<string, string | string[] | undefined>): Checksum | undefined {
  const found = checksumAlgorithms.flatMap((algorithm) => {
    const value = headers[`x-amz-checksum-${algorithm}`];
    return typeof value === "string" ? [{ algorithm, value }] : [];
  });
  if (found.length > 1)
    throw s3Errors.invalidRequest(
      "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
    );
  return found[0];
}

/** The base64 checksum of a body, as the SDK computes it. */
export function computeChecksum(algorithm: ChecksumAlgorithm, body: Buffer): string {
  switch (algorithm) {
    case "crc32":
      return uint32Base64(crc32(body));
    case "crc32c":
      return uint32Base64(crc32c(body));
    case "crc64nvme":
      return crc64nvme(body);
    case "sha1":
      return createHash("sha1").update(body).digest("base64");
    case "sha256":
      return createHash("sha256").update(body).digest("base64");
  }
}

/** Refuses a body whose checksum is not the one the client sent (BadDigest), as S3 does before storing anything. */
export function verifyChecksum(checksum: Checksum, body: Buffer): void {
  if (computeChecksum(checksum.algorithm, body) !== checksum.value) {
    throw s3Errors.badDigest(checksum.algorithm.toUpperCase());
  }
}

/** Refuses a body whose Content-MD5 differs, as S3 does. */
export function verifyContentMd5(contentMd5: string | undefined, body: Buffer): void {
  if (contentMd5 === undefined) return;
  if (createHash("md5").update(body).digest("base64") !== contentMd5) {
    throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
  }
}

function uint32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString("base64");
}

const crc32cTable = Uint32Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0x82f63b78 : value >>> 1;
  return value >>> 0;
});

function crc32c(body: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of body) crc = (crc32cTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const crc64Mask = 0xffffffffffffffffn;
const crc64Table = Array.from({ length: 256 }, (_, index) => {
  let value = BigInt(index);
  for (let bit = 0; bit < 8; bit++) value = value & 1n ? (value >> 1n) ^ 0x9a6c9329ac4bc9b5n : value >> 1n;
  return value;
});

function crc64nvme(body: Buffer): string {
  let crc = crc64Mask;
  for (const byte of body) crc = (crc64Table[Number((crc ^ BigInt(byte)) & 0xffn)] as bigint) ^ (crc >> 8n);
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE((crc ^ crc64Mask) & crc64Mask);
  return bytes.toString("base64");
}

/**
 * Decodes an `aws-chunked` body of the unsigned-trailer kind the SDK sends for a streamed PutObject
 * (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`): `<hex size>\r\n<bytes>\r\n` chunks, a zero-size
 * chunk, then trailer lines such as `x-amz-checksum-crc32:<base64>` and an empty line.
 */
export function decodeAwsChunked(body: Buffer): { payload: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  let offset = 0;
  const line = () => {
    const end = body.indexOf("\r\n", offset);
    if (end === -1) throw s3Errors.incompleteBody();
    const value = body.subarray(offset, end).toString("latin1");
    offset = end + 2;
    return value;
  };
  for (;;) {
    const header = line();
    // A signed chunk carries `;chunk-signature=…`; those (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are refused earlier.
    const size = Number.parseInt(header.split(";")[0] ?? "", 16);
    if (!Number.isInteger(size) || size < 0) throw s3Errors.invalidArgument("Invalid chunk size in aws-chunked body.");
    if (size === 0) break;
    if (offset + size + 2 > body.length) throw s3Errors.incompleteBody();
    chunks.push(body.subarray(offset, offset + size));
    offset += size;
    if (body.toString("latin1", offset, offset + 2) !== "\r\n") throw s3Errors.incompleteBody();
    offset += 2;
  }
  const trailers: Record<string, string> = {};
  for (let trailer = line(); trailer !== ""; trailer = offset >= body.length ? "" : line()) {
    const colon = trailer.indexOf(":");
    if (colon === -1) throw s3Errors.invalidArgument("Invalid trailer in aws-chunked body.");
    trailers[trailer.slice(0, colon).trim().toLowerCase()] = trailer.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(chunks), trailers };
}

/** The trailer checksum an aws-chunked request announced in `x-amz-trailer`, read from the decoded trailers. */
export function trailerChecksum(announced: string | undefined, trailers: Record<string, string>): Checksum | undefined {
  if (announced === undefined) return undefined;
  const name = announced.trim().toLowerCase();
  const algorithm = name.startsWith("x-amz-checksum-") ? name.slice("x-amz-checksum-".length) : "";
  if (!isChecksumAlgorithm(algorithm)) throw s3Errors.invalidRequest(`Unsupported trailer: ${announced}.`);
  const value = trailers[name];
  if (value === undefined) throw s3Errors.invalidRequest(`The trailer ${name} announced in x-amz-trailer is missing.`);
  return { algorithm, value };
}
