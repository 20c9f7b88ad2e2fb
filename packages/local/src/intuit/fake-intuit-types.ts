import { randomUUID } from "node:crypto";
import type { FakeRequest, FakeResponse as GoogleFakeResponse } from "../google/fake-google-types";

export type { FakeRequest } from "../google/fake-google-types";

/**
 * What a module answers: the fake Google's response shape, plus `hangUp`: the request was processed but the
 * connection is dropped without an answer (the "lost token response" the CRM must survive).
 */
export type FakeResponse = GoogleFakeResponse & { hangUp?: boolean };

/** A module's router: `undefined` means "not my path", so the next module is asked. */
export type FakeRoute = (request: FakeRequest) => Promise<FakeResponse | undefined> | FakeResponse | undefined;

/** The OAuth scope the Accounting API needs. */
export const accountingScope = "com.intuit.quickbooks.accounting";
/** The scope of QuickBooks Payments; like the accounting scope it puts a realmId into the callback. */
export const paymentScope = "com.intuit.quickbooks.payment";

/** The caller an access token stands for: one app (client) connected to one company (realm). */
export type IntuitGrant = { realmId: string | undefined; clientId: string; scopes: readonly string[] };

/** What the OAuth part of the fake offers the Accounting API and the webhook emitter. */
export type FakeIntuitAuthority = {
  /** The grant behind `Authorization: Bearer …`; undefined when the token is missing, unknown, expired or revoked. */
  grantOf(authorization: string | undefined): IntuitGrant | undefined;
  /** Whether the app holds a live grant for the company (Intuit only notifies connected companies). */
  isConnected(realmId: string, clientId?: string): boolean;
  /** The fake's clock in epoch milliseconds (tests can move it). */
  now(): number;
};

/** Intuit puts a transaction id on every response; support asks for it, so the CRM should log it. */
export const intuitTid = () => `1-${randomUUID().replace(/-/g, "").slice(0, 8)}-${randomUUID().slice(0, 23)}`;

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] as string,
  );

/** The form fields (or JSON object) of a request body; intuit-oauth sends the revoke body as JSON. */
export function parseForm(request: FakeRequest): URLSearchParams {
  const text = request.body.toString("utf8");
  if (String(request.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const object = JSON.parse(text || "{}") as Record<string, unknown>;
      return new URLSearchParams(Object.entries(object).map(([key, value]): [string, string] => [key, String(value)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}
