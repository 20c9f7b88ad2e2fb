import type { IncomingHttpHeaders } from "node:http";

/** One request as the fake's router hands it to an API module. */
export type FakeRequest = { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer };

/** What a module answers: JSON, text, or nothing (204-style). */
export type FakeResponse = { status: number; headers?: Record<string, string>; json?: unknown; text?: string };

/** A module's router: `undefined` means "not my path", so the next module is asked. */
export type FakeRoute = (request: FakeRequest) => Promise<FakeResponse | undefined> | FakeResponse | undefined;

export type GoogleAccount = { email: string; name: string; sub: string };

/** The caller an access token stands for. */
export type TokenGrant = { account: GoogleAccount; scopes: readonly string[]; clientId: string };

/** What the OAuth part of the fake offers the API modules (Gmail, Calendar). */
export type FakeGoogleAuthority = {
  /** The grant behind `Authorization: Bearer …`; undefined when the token is missing, unknown, expired or revoked. */
  grantOf(authorization: string | undefined): TokenGrant | undefined;
  /** The fake's clock in epoch milliseconds (tests can move it). */
  now(): number;
};

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  410: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** Google's JSON error body: `{ error: { code, message, errors: [{ domain, reason, message }], status } }`. */
export function googleError(code: number, reason: string, message: string, domain = "global"): FakeResponse {
  return {
    status: code,
    json: {
      error: { code, message, errors: [{ domain, reason, message }], status: statusNames[code] ?? "UNKNOWN" },
    },
  };
}

/** The 401 every Google API answers for a missing, expired or revoked access token. */
export const invalidCredentials = (): FakeResponse => ({
  ...googleError(401, "authError", "Invalid Credentials"),
  headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
});
