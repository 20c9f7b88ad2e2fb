import { createHash, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** One request as the fake's router hands it to a module (identity, accounting, pages). */
export type XeroRequest = { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer };

/** What a module answers: JSON, text or nothing. */
export type XeroResponse = { status: number; headers?: Record<string, string>; json?: unknown; text?: string };

/** A module's router: `undefined` means "not my path", so the next module is asked. */
export type XeroRoute = (request: XeroRequest) => Promise<XeroResponse | undefined> | XeroResponse | undefined;

/** An organisation the fake Xero user can connect: what `/connections` and the consent page show of it. */
export type XeroTenant = {
  tenantId: string;
  tenantName: string;
  tenantType: "ORGANISATION";
  baseCurrency: string;
  countryCode: string;
  /** Xero's short code of an organisation (used in deep links such as `go.xero.com/organisationlogin/...`). */
  shortCode: string;
};

/** Xero's JSON date: `/Date(1700000000000+0000)/` (epoch milliseconds, UTC). */
export const xeroDate = (epochMs: number) => `/Date(${Math.trunc(epochMs)}+0000)/`;

/** Xero's "date string" beside a date: ISO 8601 without a zone, e.g. 2024-01-15T00:00:00. */
export const xeroDateString = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 19);

/** The identity API's timestamps (connections): seven fraction digits and no zone, as Xero's .NET serialiser. */
export const identityTimestamp = (epochMs: number) => new Date(epochMs).toISOString().replace("Z", "0000");

/** Parses Xero's `/Date(ms+0000)/`, an ISO date (a zone-less one is UTC) or an RFC 1123 date; undefined if none. */
export function parseXeroDate(value: unknown): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  const wcf = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(text);
  if (wcf) return Number(wcf[1]);
  // JavaScript reads a zone-less date-time as local time; Xero means UTC.
  const zoneless = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text);
  const parsed = Date.parse(zoneless ? `${text.length === 10 ? `${text}T00:00:00` : text}Z` : text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The start (00:00 UTC) of the day an instant falls on; invoice dates are days. */
export const startOfDay = (epochMs: number) => {
  const date = new Date(epochMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
};

/** A stable UUID for a name (the same on every start), so seeded ids survive restarts. */
export function stableUuid(name: string): string {
  const hex = createHash("sha256").update(`fake-xero:${name}`).digest("hex");
  // Shaped as a version 4 (random) UUID, which is what Xero's ids look like.
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const isGuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const header = (request: XeroRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The problem body of Xero's API gateway (401, 403, 404 on paths, 429): `{Type, Title, Status, Detail, Instance,
 * Extensions}`, as the gateway sends for AuthenticationUnsuccessful and TokenExpired.
 */
export function gatewayProblem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): XeroResponse {
  const instance = randomUUID();
  return {
    status,
    headers: { "xero-correlation-id": instance, ...headers },
    json: { Type: null, Title: title, Status: status, Detail: detail, Instance: instance, Extensions: {} },
  };
}

/** The Accounting API's own error body: `{ErrorNumber, Type, Message, Elements?}` (10 ValidationException, …). */
export function apiException(
  status: number,
  errorNumber: number,
  type: string,
  message: string,
  elements?: unknown[],
): XeroResponse {
  return {
    status,
    json: { ErrorNumber: errorNumber, Type: type, Message: message, ...(elements ? { Elements: elements } : {}) },
  };
}

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] as string,
  );

/** A small HTML page in the look of the fake's other pages (consent, connected apps). */
export function htmlPage(status: number, title: string, body: string): XeroResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    text: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1e3145}
h1{font-size:1.4rem;font-weight:600}.note{color:#59687a;font-size:.9rem}fieldset{border:1px solid #cfd7e0;border-radius:8px;margin:1rem 0}
label{display:block;margin:.4rem 0}button{font-size:1rem;padding:.5rem 1.4rem;margin-right:.5rem;border-radius:4px;border:1px solid #cfd7e0}
button[value=allow]{background:#13b5ea;color:#fff;border-color:#13b5ea}code{background:#eef2f5;padding:0 .2rem}
</style></head><body>
${body}
</body></html>`,
  };
}

const maxBodyBytes = 1024 * 1024;

/** Reads a request body up to 1 MB; undefined when it is larger. */
export function readRequestBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Writes a module's answer; JSON gets Xero's content type. */
export function writeResponse(response: ServerResponse, answer: XeroResponse) {
  const headers: Record<string, string> = { ...answer.headers };
  let body = "";
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers["content-type"] ??= "application/json; charset=utf-8";
  } else if (answer.text !== undefined) {
    body = answer.text;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  response.writeHead(answer.status, headers);
  response.end(body);
}

/** The form fields of a request body (`application/x-www-form-urlencoded`). */
export const parseForm = (request: XeroRequest) => new URLSearchParams(request.body.toString("utf8"));
