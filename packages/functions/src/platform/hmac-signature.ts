import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Whether `signature` is the HMAC-SHA256 of the raw `payload` under `secret`, as providers sign their webhooks
 * (QuickBooks and Xero send it base64 in a header). Compared in constant time over buffers of equal length, so
 * timing reveals nothing of the expected value; a missing or malformed signature is simply no match.
 */
export function hmacSha256Matches(input: {
  secret: string | Buffer;
  payload: Buffer;
  signature: string | undefined;
  encoding: "base64" | "hex";
}): boolean {
  if (!input.signature) return false;
  const expected = createHmac("sha256", input.secret).update(input.payload).digest();
  const given = Buffer.from(input.signature, input.encoding);
  // The length of an HMAC-SHA256 is public, so checking it first gives nothing away.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
