import { createHash, createHmac } from "node:crypto";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { RequestAuthenticator, type WireRequest } from "@crm/local/s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";

const region = "eu-west-1";
const credentials = { accessKeyId: "AKIALOCALTEST", secretAccessKey: "local-secret" };
const authenticator = new RequestAuthenticator([credentials], region);
const signedAt = new Date("2026-12-01T10:00:00Z");
const minutes = (count: number) => new Date(signedAt.getTime() + count * 60_000);

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.#hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

/** What the SDK signs: S3's canonicalisation (the path as sent), the real SigV4 signer. */
const signerFor = (secretAccessKey = credentials.secretAccessKey, signingRegion = region) =>
  new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
    region: signingRegion,
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  });

const aRequest = (headers: Record<string, string> = {}) => ({
  method: "GET",
  protocol: "http:",
  hostname: "127.0.0.1",
  path: "/crm-files/org_1/fil_1",
  query: {} as Record<string, string>,
  headers: { host: "127.0.0.1:4566", "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...headers },
});

const onTheWire = (signed: ReturnType<typeof aRequest>): WireRequest => ({
  method: signed.method,
  rawPath: signed.path,
  query: Object.entries(signed.query ?? {}) as [string, string][],
  headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
});

async function headerSigned(
  options: { secret?: string; headers?: Record<string, string>; signingRegion?: string } = {},
) {
  const signed = await signerFor(options.secret, options.signingRegion).sign(aRequest(options.headers), {
    signingDate: signedAt,
  });
  return onTheWire(signed as ReturnType<typeof aRequest>);
}

/** A presigned GET as the SDK's S3 presigner makes it (its body unsigned). */
async function presigned(expiresIn = 300) {
  const presigner = new S3RequestPresigner({ credentials, region, sha256: Sha256 });
  const signed = await presigner.presign(
    { ...aRequest(), headers: { host: "127.0.0.1:4566" } },
    { signingDate: signedAt, expiresIn },
  );
  return onTheWire(signed as ReturnType<typeof aRequest>);
}

const withHeader = (request: WireRequest, name: string, value: string | undefined): WireRequest => {
  const headers = { ...request.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...request, headers };
};
const withQuery = (request: WireRequest, name: string, value: string | undefined): WireRequest => ({
  ...request,
  query: [
    ...request.query.filter(([candidate]) => candidate !== name),
    ...(value === undefined ? [] : [[name, value] as [string, string]]),
  ],
});
const authorizationOf = (request: WireRequest) => String(request.headers.authorization);

/** The S3 error code and message a request is refused with. */
async function refusal(request: WireRequest, now = minutes(1)) {
  try {
    await authenticator.authenticate(request, now);
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error("The request was accepted.");
}

describe("SigV4 in the Authorization header, as S3 checks it", () => {
  it("accepts what the SDK's signer signed, naming the signer and the declared payload", async () => {
    expect(await authenticator.authenticate(await headerSigned(), minutes(1))).toEqual({
      accessKeyId: credentials.accessKeyId,
      payloadHash: "UNSIGNED-PAYLOAD",
      presigned: false,
    });
  });

  it("refuses a header it cannot read: another scheme, missing parts", async () => {
    const request = await headerSigned();
    expect(await refusal(withHeader(request, "authorization", "Basic dXNlcjpwYXNz"))).toMatchObject({
      code: "InvalidArgument",
      message: "Unsupported Authorization Type",
    });
    expect(
      await refusal(withHeader(request, "authorization", authorizationOf(request).replace(/,\s*Signature=\w+/, ""))),
    ).toMatchObject({ code: "AuthorizationHeaderMalformed" });
  });

  it("refuses a credential scope that is malformed, of another region or service, or of an unknown key", async () => {
    const request = await headerSigned();
    const withCredential = (credential: string) =>
      withHeader(
        request,
        "authorization",
        authorizationOf(request).replace(/Credential=[^,]+/, `Credential=${credential}`),
      );
    expect((await refusal(withCredential("AKIALOCALTEST/20261201/eu-west-1/s3"))).message).toContain("mal-formed");
    expect((await refusal(withCredential("AKIALOCALTEST/2026-12-01/eu-west-1/s3/aws4_request"))).message).toContain(
      "incorrect date format",
    );
    expect((await refusal(withCredential("AKIALOCALTEST/20261201/us-east-1/s3/aws4_request"))).message).toContain(
      "the region 'us-east-1' is wrong",
    );
    expect((await refusal(withCredential("AKIALOCALTEST/20261201/eu-west-1/sqs/aws4_request"))).message).toContain(
      'incorrect service "sqs"',
    );
    expect(await refusal(withCredential("AKIANOBODY/20261201/eu-west-1/s3/aws4_request"))).toMatchObject({
      code: "InvalidAccessKeyId",
    });
  });

  it("refuses a missing or unreadable X-Amz-Date, one of another day than the scope, and a skewed clock", async () => {
    const request = await headerSigned();
    expect(await refusal(withHeader(request, "x-amz-date", undefined))).toMatchObject({ code: "AccessDenied" });
    expect(await refusal(withHeader(request, "x-amz-date", "20261201T250000Z"))).toMatchObject({
      code: "AccessDenied",
    });
    expect((await refusal(withHeader(request, "x-amz-date", "20261202T100000Z"))).message).toContain(
      "Invalid credential date",
    );
    expect(await refusal(request, minutes(16))).toMatchObject({ code: "RequestTimeTooSkewed" });
    expect(await refusal(request, minutes(-16))).toMatchObject({ code: "RequestTimeTooSkewed" });
  });

  it("refuses a request without x-amz-content-sha256, an x-amz-* header outside the signature, and another secret", async () => {
    const request = await headerSigned();
    expect(await refusal(withHeader(request, "x-amz-content-sha256", undefined))).toMatchObject({
      code: "InvalidRequest",
    });
    expect(await refusal(withHeader(request, "x-amz-meta-added", "on the way"))).toMatchObject({
      code: "AccessDenied",
      message: "There were headers present in the request which were not signed: x-amz-meta-added",
    });
    expect(await refusal(await headerSigned({ secret: "another-secret" }))).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
  });

  it("refuses a request that has both a header and a query signature", async () => {
    const request = withQuery(await headerSigned(), "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    expect((await refusal(request)).message).toContain("Only one auth mechanism allowed");
  });
});

describe("SigV4 in the query (presigned URLs), as S3 checks it", () => {
  it("accepts a presigned URL within its lifetime, without a payload digest", async () => {
    expect(await authenticator.authenticate(await presigned(), minutes(4))).toEqual({
      accessKeyId: credentials.accessKeyId,
      payloadHash: "UNSIGNED-PAYLOAD",
      presigned: true,
    });
  });

  it("refuses another algorithm and a URL missing one of the X-Amz-* parameters", async () => {
    const url = await presigned();
    expect((await refusal(withQuery(url, "X-Amz-Algorithm", "AWS4-HMAC-SHA1"))).message).toContain(
      'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
    );
    for (const name of ["X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"]) {
      expect(await refusal(withQuery(url, name, undefined)), name).toMatchObject({
        code: "AuthorizationQueryParametersError",
      });
    }
  });

  it("refuses an unreadable date, one of another day than the scope, and an expiry that is no number or over a week", async () => {
    const url = await presigned();
    expect((await refusal(withQuery(url, "X-Amz-Date", "2026-12-01T10:00:00Z"))).message).toContain(
      "ISO8601 Long Format",
    );
    expect((await refusal(withQuery(url, "X-Amz-Date", "20261130T100000Z"))).message).toContain(
      "Invalid credential date",
    );
    expect((await refusal(withQuery(url, "X-Amz-Expires", "5m"))).message).toBe("X-Amz-Expires should be a number");
    expect((await refusal(withQuery(url, "X-Amz-Expires", "604801"))).message).toContain("less than a week");
    expect((await refusal(withQuery(url, "X-Amz-Credential", "AKIALOCALTEST/20261201"))).message).toContain(
      "Error parsing the X-Amz-Credential parameter",
    );
  });

  it("refuses a URL past its expiry, one not valid yet, and one whose expiry was lengthened", async () => {
    const url = await presigned(300);
    expect(await refusal(url, minutes(6))).toMatchObject({ code: "AccessDenied", message: "Request has expired" });
    expect(await refusal(url, minutes(-16))).toMatchObject({
      code: "AccessDenied",
      message: "Request is not valid yet",
    });
    expect(await refusal(withQuery(url, "X-Amz-Expires", "3600"), minutes(6))).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
  });
});

describe("a browser POST's policy signature, as S3 checks it", () => {
  const policy = Buffer.from(JSON.stringify({ expiration: "2026-12-01T11:00:00Z", conditions: [] })).toString("base64");
  const fields = async () => {
    const signer = signerFor() as unknown as { sign(value: string, options: object): Promise<string> };
    return {
      algorithm: "AWS4-HMAC-SHA256",
      credential: `${credentials.accessKeyId}/20261201/${region}/s3/aws4_request`,
      date: "20261201T100000Z",
      signature: await signer.sign(policy, { signingDate: signedAt, signingRegion: region, signingService: "s3" }),
      policy,
    };
  };
  const policyRefusal = async (changed: Record<string, string | undefined>) => {
    try {
      await authenticator.authenticatePolicy({ ...(await fields()), ...changed });
    } catch (error) {
      return { code: (error as { code: string }).code, message: (error as Error).message };
    }
    throw new Error("The policy was accepted.");
  };

  it("accepts the policy signed with the scope's key", async () => {
    expect(await authenticator.authenticatePolicy(await fields())).toEqual({ accessKeyId: credentials.accessKeyId });
  });

  it("refuses another algorithm, a missing credential, date or signature, a date off its scope, and a forged policy", async () => {
    expect((await policyRefusal({ algorithm: "AWS4-HMAC-SHA1" })).message).toContain("Unsupported x-amz-algorithm");
    for (const name of ["credential", "date", "signature"]) {
      expect((await policyRefusal({ [name]: undefined })).message, name).toContain(`a field named 'x-amz-${name}'`);
    }
    expect((await policyRefusal({ date: "20261202T100000Z" })).code).toBe("InvalidArgument");
    expect((await policyRefusal({ credential: "AKIALOCALTEST/20261201/eu-west-1/s3" })).message).toContain(
      "Error parsing the X-Amz-Credential parameter",
    );
    expect(await policyRefusal({ policy: Buffer.from("{}").toString("base64") })).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
  });
});
