import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";
import { s3Errors } from "./s3-error";

export type Credentials = { accessKeyId: string; secretAccessKey: string };

/** A request as it came over the wire: the path still percent-encoded, the query decoded pair by pair. */
export type WireRequest = {
  method: string;
  rawPath: string;
  query: [name: string, value: string][];
  headers: IncomingHttpHeaders;
};

/** Who signed a request and how its body was declared (a SHA-256 hex digest, UNSIGNED-PAYLOAD, or STREAMING-…). */
export type Authentication = { accessKeyId: string; payloadHash: string; presigned: boolean };

type Scope = { accessKeyId: string; date: string; region: string; service: string };

// S3 allows 15 minutes between a header-signed request's time and its own clock.
const maximumSkewMilliseconds = 15 * 60 * 1000;
const maximumPresignedSeconds = 7 * 24 * 60 * 60;
const longDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const unsignedPayload = "UNSIGNED-PAYLOAD";

/** node:crypto as the signer's hash: SHA-256, or HMAC-SHA-256 when given a secret. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash =
      secret === undefined
        ? createHash("sha256")
        : createHmac("sha256", typeof secret === "string" ? secret : toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === "string" ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/**
 * The SDK's own signer, with its canonical request and string to sign (protected there) opened to the verifier: the
 * signature a client should have sent is recomputed from exactly what arrived, with the SDK's canonicalisation
 * (S3's: the path as sent, not escaped again).
 */
class SignatureRecomputation extends SignatureV4 {
  constructor(credentials: Credentials, region: string) {
    super({ credentials, region, service: "s3", sha256: NodeSha256, uriEscapePath: false });
  }

  async recompute(
    request: WireRequest,
    signedHeaders: string[],
    payloadHash: string,
    longDate: string,
    scope: Scope,
  ): Promise<{ signature: string; canonicalRequest: string; stringToSign: string }> {
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) headers[name] = headerValue(request.headers, name) ?? "";
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.query) {
      const existing = query[name];
      query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const httpRequest = {
      method: request.method,
      protocol: "http:",
      hostname: "",
      path: request.rawPath,
      query,
      headers,
    };
    const canonicalHeaders = getCanonicalHeaders(httpRequest, undefined, new Set(signedHeaders));
    const canonicalRequest = this.createCanonicalRequest(httpRequest, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(
      longDate,
      scopeString(scope),
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    const signature = await this.sign(stringToSign, {
      signingDate: parseLongDate(longDate) ?? new Date(Number.NaN),
      signingRegion: scope.region,
      signingService: scope.service,
    });
    return { signature, canonicalRequest, stringToSign };
  }

  /** A POST policy's signature: the HMAC of the base64 policy with the scope's signing key. */
  signPolicy(policy: string, longDate: string, scope: Scope): Promise<string> {
    return this.sign(policy, {
      signingDate: parseLongDate(longDate) ?? new Date(Number.NaN),
      signingRegion: scope.region,
      signingService: scope.service,
    });
  }
}

/**
 * Checks requests the way S3 checks them: SigV4 in the Authorization header or in the query (presigned), and the
 * signature of a browser POST's policy, each recomputed with the configured secret and compared in constant time.
 */
export class RequestAuthenticator {
  readonly #signers = new Map<string, SignatureRecomputation>();

  constructor(
    credentials: Credentials[],
    readonly region: string,
  ) {
    for (const credential of credentials) {
      this.#signers.set(credential.accessKeyId, new SignatureRecomputation(credential, region));
    }
  }

  /** The signer of a request with SigV4 in its Authorization header or query; anonymous requests are refused. */
  async authenticate(request: WireRequest, now: Date): Promise<Authentication> {
    const authorization = headerValue(request.headers, "authorization");
    const queryAlgorithm = request.query.find(([name]) => name === "X-Amz-Algorithm");
    if (authorization !== undefined && queryAlgorithm !== undefined) {
      throw s3Errors.invalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
        "Authorization",
        authorization,
      );
    }
    if (authorization !== undefined) return this.#headerAuthentication(request, authorization, now);
    if (queryAlgorithm !== undefined) return this.#queryAuthentication(request, now);
    throw s3Errors.accessDenied();
  }

  async #headerAuthentication(request: WireRequest, authorization: string, now: Date): Promise<Authentication> {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization.trim(),
    );
    if (match === null) {
      if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        throw s3Errors.invalidArgument("Unsupported Authorization Type", "Authorization", authorization);
      }
      throw s3Errors.authorizationHeaderMalformed("it must have Credential, SignedHeaders and Signature.");
    }
    const [, credential = "", signedHeaderList = "", signature = ""] = match;
    const scope = this.#scope(credential, (why) => s3Errors.authorizationHeaderMalformed(why));
    const signer = this.#signer(scope.accessKeyId);
    const longDate = headerValue(request.headers, "x-amz-date") ?? "";
    const requestTime = parseLongDate(longDate);
    if (requestTime === undefined) {
      throw s3Errors.accessDenied("AWS authentication requires a valid Date or x-amz-date header");
    }
    if (scope.date !== longDate.slice(0, 8)) {
      throw s3Errors.authorizationHeaderMalformed(
        `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`,
      );
    }
    if (Math.abs(now.getTime() - requestTime.getTime()) > maximumSkewMilliseconds) {
      throw s3Errors.requestTimeTooSkewed(requestTime.toISOString(), now.toISOString());
    }
    const payloadHash = headerValue(request.headers, "x-amz-content-sha256");
    if (payloadHash === undefined) {
      throw s3Errors.invalidRequest("Missing required header for this request: x-amz-content-sha256");
    }
    const signedHeaders = signedHeaderList.split(";");
    this.#allAmzHeadersSigned(request, signedHeaders);
    const expected = await signer.recompute(request, signedHeaders, payloadHash, longDate, scope);
    refuseUnless(expected, signature, scope.accessKeyId);
    return { accessKeyId: scope.accessKeyId, payloadHash, presigned: false };
  }

  async #queryAuthentication(request: WireRequest, now: Date): Promise<Authentication> {
    const parameter = (name: string) => request.query.find(([candidate]) => candidate === name)?.[1];
    const queryError = (message: string) => s3Errors.authorizationQueryParametersError(message);
    if (parameter("X-Amz-Algorithm") !== ALGORITHM_IDENTIFIER) {
      throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    const credential = parameter("X-Amz-Credential");
    const longDate = parameter("X-Amz-Date");
    const expires = parameter("X-Amz-Expires");
    const signedHeaderList = parameter("X-Amz-SignedHeaders");
    const signature = parameter("X-Amz-Signature");
    if ([credential, longDate, expires, signedHeaderList, signature].includes(undefined)) {
      throw queryError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    const scope = this.#scope(credential as string, (why) =>
      queryError(`Error parsing the X-Amz-Credential parameter; ${why}`),
    );
    const signer = this.#signer(scope.accessKeyId);
    const requestTime = parseLongDate(longDate as string);
    if (requestTime === undefined) {
      throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    }
    if (scope.date !== (longDate as string).slice(0, 8)) {
      throw queryError(
        `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${(longDate as string).slice(0, 8)}".`,
      );
    }
    if (!/^\d+$/.test(expires as string)) throw queryError("X-Amz-Expires should be a number");
    const lifetime = Number(expires);
    if (lifetime > maximumPresignedSeconds) {
      throw queryError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    // S3 answers an expired URL as expired whatever else is wrong with it, so the expiry is checked first.
    const expiry = new Date(requestTime.getTime() + lifetime * 1000);
    if (now.getTime() > expiry.getTime()) {
      throw s3Errors.requestExpired(lifetime, expiry, now);
    }
    if (requestTime.getTime() - now.getTime() > maximumSkewMilliseconds) {
      throw s3Errors.accessDenied("Request is not valid yet");
    }
    const signedHeaders = (signedHeaderList as string).split(";");
    this.#allAmzHeadersSigned(request, signedHeaders);
    const withoutSignature: WireRequest = {
      ...request,
      query: request.query.filter(([name]) => name !== "X-Amz-Signature"),
    };
    // A presigned URL's body is never part of its signature, unless the signer put a digest among the signed headers.
    const payloadHash = signedHeaders.includes("x-amz-content-sha256")
      ? (headerValue(request.headers, "x-amz-content-sha256") ?? unsignedPayload)
      : unsignedPayload;
    const expected = await signer.recompute(withoutSignature, signedHeaders, payloadHash, longDate as string, scope);
    refuseUnless(expected, signature as string, scope.accessKeyId);
    return { accessKeyId: scope.accessKeyId, payloadHash, presigned: true };
  }

  /** The signer of a browser POST: the policy's signature with the credential and date of the form's fields. */
  async authenticatePolicy(fields: {
    algorithm: string | undefined;
    credential: string | undefined;
    date: string | undefined;
    signature: string | undefined;
    policy: string;
  }): Promise<{ accessKeyId: string }> {
    if (fields.algorithm !== ALGORITHM_IDENTIFIER) {
      throw s3Errors.invalidArgument(
        "Unsupported x-amz-algorithm; only AWS4-HMAC-SHA256 is supported",
        "x-amz-algorithm",
        fields.algorithm,
      );
    }
    const missing = (name: string) =>
      s3Errors.invalidArgument(
        `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
        name,
        "",
      );
    if (fields.credential === undefined) throw missing("x-amz-credential");
    if (fields.date === undefined) throw missing("x-amz-date");
    if (fields.signature === undefined) throw missing("x-amz-signature");
    const scope = this.#scope(fields.credential, (why) =>
      s3Errors.invalidArgument(
        `Error parsing the X-Amz-Credential parameter; ${why}`,
        "x-amz-credential",
        fields.credential,
      ),
    );
    const signer = this.#signer(scope.accessKeyId);
    if (parseLongDate(fields.date) === undefined || scope.date !== fields.date.slice(0, 8)) {
      throw s3Errors.invalidArgument(
        "X-Amz-Date must be the date of the credential's scope, as yyyyMMdd'T'HHmmss'Z'",
        "x-amz-date",
        fields.date,
      );
    }
    const expected = await signer.signPolicy(fields.policy, fields.date, scope);
    if (!sameSignature(expected, fields.signature)) {
      throw s3Errors.signatureDoesNotMatch({ AWSAccessKeyId: scope.accessKeyId, StringToSign: fields.policy });
    }
    return { accessKeyId: scope.accessKeyId };
  }

  #scope(credential: string, malformed: (why: string) => Error): Scope {
    const parts = credential.split("/");
    if (parts.length !== 5 || parts[4] !== "aws4_request") {
      throw malformed(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
    }
    const [accessKeyId = "", date = "", region = "", service = ""] = parts;
    if (!this.#signers.has(accessKeyId)) throw s3Errors.invalidAccessKeyId(accessKeyId);
    if (!/^\d{8}$/.test(date))
      throw malformed(`incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`);
    if (region !== this.region) throw malformed(`the region '${region}' is wrong; expecting '${this.region}'`);
    if (service !== "s3") throw malformed(`incorrect service "${service}". This endpoint belongs to "s3".`);
    return { accessKeyId, date, region, service };
  }

  #signer(accessKeyId: string): SignatureRecomputation {
    const signer = this.#signers.get(accessKeyId);
    if (signer === undefined) throw s3Errors.invalidAccessKeyId(accessKeyId);
    return signer;
  }

  /** S3 refuses x-amz-* headers outside the signature, so none can be added to a signed request on the way. */
  #allAmzHeadersSigned(request: WireRequest, signedHeaders: string[]): void {
    const unsigned = Object.keys(request.headers).filter(
      (name) => name.startsWith("x-amz-") && !signedHeaders.includes(name),
    );
    if (unsigned.length > 0) {
      throw s3Errors.accessDenied(
        `There were headers present in the request which were not signed: ${unsigned.join(", ")}`,
      );
    }
  }
}

function refuseUnless(
  expected: { signature: string; canonicalRequest: string; stringToSign: string },
  provided: string,
  accessKeyId: string,
): void {
  if (sameSignature(expected.signature, provided)) return;
  // S3 answers with what it signed, so a client's author can find the difference.
  throw s3Errors.signatureDoesNotMatch({
    AWSAccessKeyId: accessKeyId,
    StringToSign: expected.stringToSign,
    SignatureProvided: provided,
    CanonicalRequest: expected.canonicalRequest,
  });
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

function scopeString(scope: Scope): string {
  return `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
}

/** `yyyyMMdd'T'HHmmss'Z'` as a Date, or undefined when it is not one. */
export function parseLongDate(value: string): Date | undefined {
  const match = longDatePattern.exec(value);
  if (match === null) return undefined;
  const [, year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 25:00 over into the next day; S3 takes only a time that exists.
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exists ? date : undefined;
}

/** A header's value as one string (repeated headers joined as Node joins them), or undefined. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
