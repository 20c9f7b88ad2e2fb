import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  randomUUID,
  sign,
} from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

/** A route the gateway mounts outside the API's route table, matched by path prefix. */
export type ExtraRoute = { pathPrefix: string; handle: (request: IncomingMessage, response: ServerResponse) => void };

export type TokenRequest = {
  email: string;
  name?: string;
  expiresInSeconds?: number;
};

type StoredKey = { kid: string; privateKey: JsonWebKey };

export type LocalIdentityProvider = {
  issuer: string;
  audience: string;
  /** The public keys, as the JWKS endpoint serves them. */
  jwks: { keys: JsonWebKey[] };
  /** An RS256 ID token shaped like Cognito's: sub, email, email_verified, token_use "id", iat, nbf, exp. */
  signAccessToken: (request: TokenRequest) => string;
  /** Signs arbitrary claims and header fields with the provider's key, for tests that craft bad tokens. */
  signRaw: (header: Record<string, unknown>, claims: Record<string, unknown>) => string;
  openIdConfiguration: () => Record<string, unknown>;
  /** Serves `<issuer path>/.well-known/jwks.json` and `/.well-known/openid-configuration`. */
  routes: ExtraRoute[];
};

const keyFile = "identity-provider.json";

/** A stable subject for an email, like a user pool's sub: the same person gets the same id on every token. */
export function subjectFor(email: string): string {
  return `user_${createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 24)}`;
}

async function loadOrCreateKey(dataDirectory: string): Promise<StoredKey> {
  const file = join(dataDirectory, keyFile);
  try {
    return JSON.parse(await readFile(file, "utf8")) as StoredKey;
  } catch {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const stored: StoredKey = { kid: randomUUID(), privateKey: privateKey.export({ format: "jwk" }) };
    await mkdir(dataDirectory, { recursive: true });
    await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
    return stored;
  }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * The local stand-in for the Cognito user pool: an RS256 key generated once and kept in the data directory, an
 * issuer, a JWKS, and signed tokens carrying the claims the handlers rely on.
 */
export async function loadOrCreateIdentityProvider(options: {
  dataDirectory: string;
  issuer: string;
  audience: string;
}): Promise<LocalIdentityProvider> {
  const { kid, privateKey: privateJwk } = await loadOrCreateKey(options.dataDirectory);
  const privateKey = createPrivateKey({ key: privateJwk, format: "jwk" });
  const { n, e, kty } = createPublicKey(privateKey).export({ format: "jwk" });
  const jwks = { keys: [{ kty, n, e, kid, alg: "RS256", use: "sig" }] };

  const signRaw = (header: Record<string, unknown>, claims: Record<string, unknown>) => {
    const input = `${encode({ alg: "RS256", typ: "JWT", kid, ...header })}.${encode(claims)}`;
    return `${input}.${sign("RSA-SHA256", Buffer.from(input), privateKey).toString("base64url")}`;
  };

  const signAccessToken = ({ email, name, expiresInSeconds = 3600 }: TokenRequest) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const normalised = email.trim().toLowerCase();
    return signRaw(
      {},
      {
        iss: options.issuer,
        aud: options.audience,
        sub: subjectFor(normalised),
        email: normalised,
        email_verified: true,
        ...(name ? { name } : {}),
        token_use: "id",
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + expiresInSeconds,
        jti: randomUUID(),
      },
    );
  };

  const issuerPath = new URL(options.issuer).pathname.replace(/\/$/, "");
  const openIdConfiguration = () => ({
    issuer: options.issuer,
    jwks_uri: `${options.issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ["RS256"],
    subject_types_supported: ["public"],
    response_types_supported: ["id_token"],
    claims_supported: ["sub", "email", "email_verified", "name", "iss", "aud", "iat", "exp", "nbf"],
  });
  const documents: Record<string, () => unknown> = {
    [`${issuerPath}/.well-known/jwks.json`]: () => jwks,
    [`${issuerPath}/.well-known/openid-configuration`]: openIdConfiguration,
  };
  const routes: ExtraRoute[] = [
    {
      pathPrefix: `${issuerPath}/`,
      handle: (request, response) => {
        const document = documents[new URL(request.url ?? "/", "http://local").pathname];
        response.writeHead(document ? 200 : 404, { "content-type": "application/json" });
        response.end(JSON.stringify(document ? document() : { message: "Not Found" }));
      },
    },
  ];

  return {
    issuer: options.issuer,
    audience: options.audience,
    jwks,
    signAccessToken,
    signRaw,
    openIdConfiguration,
    routes,
  };
}
