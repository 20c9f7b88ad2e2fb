import { document, text } from "./s3-xml";

/**
 * An S3 error as S3 answers it: an HTTP status and an `<Error>` document whose Code the SDK turns into the
 * exception's name (NoSuchKey, SignatureDoesNotMatch, …) and whose extra elements (Key, BucketName, ProposedSize, …)
 * it keeps on the exception.
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: Record<string, string | number> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "S3Error";
  }

  /** The `<Error>` document, with the request id S3 also puts in the x-amz-request-id header. */
  toXml(requestId: string, hostId: string): string {
    const details = Object.entries(this.details).map(([name, value]) => text(name, value));
    return document("Error", text("Code", this.code), text("Message", this.message), details, [
      text("RequestId", requestId),
      text("HostId", hostId),
    ]).replace(/ xmlns="[^"]*"/, "");
  }
}

// S3's own wording, so a log or a test reads like one against AWS.
export const s3Errors = {
  accessDenied: (message = "Access Denied") => new S3Error("AccessDenied", message, 403),
  requestExpired: (lifetime: number, expiry: Date, now: Date) =>
    new S3Error("AccessDenied", "Request has expired", 403, {
      "X-Amz-Expires": lifetime,
      Expires: expiry.toISOString(),
      ServerTime: now.toISOString(),
    }),
  policyViolation: (why: string) => new S3Error("AccessDenied", `Invalid according to Policy: ${why}`, 403),
  invalidAccessKeyId: (accessKeyId: string) =>
    new S3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403, {
      AWSAccessKeyId: accessKeyId,
    }),
  signatureDoesNotMatch: (details: Record<string, string> = {}) =>
    new S3Error(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      403,
      details,
    ),
  requestTimeTooSkewed: (requestTime: string, serverTime: string) =>
    new S3Error(
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
      403,
      { RequestTime: requestTime, ServerTime: serverTime, MaxAllowedSkewMilliseconds: 900_000 },
    ),
  authorizationHeaderMalformed: (message: string) =>
    new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${message}`, 400),
  authorizationQueryParametersError: (message: string) =>
    new S3Error("AuthorizationQueryParametersError", message, 400),
  noSuchBucket: (bucket: string) =>
    new S3Error("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error("NoSuchKey", "The specified key does not exist.", 404, { Key: key }),
  entityTooLarge: (proposedSize: number, maxSizeAllowed: number) =>
    new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, {
      ProposedSize: proposedSize,
      MaxSizeAllowed: maxSizeAllowed,
    }),
  entityTooSmall: (proposedSize: number, minSizeAllowed: number) =>
    new S3Error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, {
      ProposedSize: proposedSize,
      MinSizeAllowed: minSizeAllowed,
    }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error(
      "InvalidArgument",
      message,
      400,
      name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? "" },
    ),
  invalidRequest: (message: string) => new S3Error("InvalidRequest", message, 400),
  malformedXml: () =>
    new S3Error(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
      400,
    ),
  badDigest: (algorithm: string) =>
    new S3Error("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`, 400),
  contentSha256Mismatch: (provided: string, computed: string) =>
    new S3Error(
      "XAmzContentSHA256Mismatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      {
        ClientComputedContentSHA256: provided,
        S3ComputedContentSHA256: computed,
      },
    ),
  incompleteBody: () =>
    new S3Error(
      "IncompleteBody",
      "You did not provide the number of bytes specified by the Content-Length HTTP header",
      400,
    ),
  missingContentLength: () =>
    new S3Error("MissingContentLength", "You must provide the Content-Length HTTP header.", 411),
  invalidRange: (size: number) =>
    new S3Error(
      "InvalidRange",
      "The requested range is not satisfiable",
      416,
      { ActualObjectSize: size },
      {
        "content-range": `bytes */${size}`,
      },
    ),
  preconditionFailed: (condition: string) =>
    new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, {
      Condition: condition,
    }),
  invalidTag: (message: string) => new S3Error("InvalidTag", message, 400),
  invalidPolicyDocument: (message: string) => new S3Error("InvalidPolicyDocument", `Invalid Policy: ${message}`, 400),
  methodNotAllowed: (method: string, resource: string) =>
    new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, {
      Method: method,
      ResourceType: resource,
    }),
  notImplemented: (what: string) =>
    new S3Error(
      "NotImplemented",
      `A header you provided implies functionality that is not implemented (${what}).`,
      501,
    ),
  corsForbidden: (message: string) => new S3Error("AccessForbidden", `CORSResponse: ${message}`, 403),
  internalError: () => new S3Error("InternalError", "We encountered an internal error. Please try again.", 500),
} as const;
