import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeAccounting, type FakeBooksControls, type ThrottleOptions } from "./accounting";
import { booksPage } from "./books-page";
import { demoBooks, demoRealmIds, type RealmSeed } from "./demo-books";
import type { FakeIntuitAuthority, FakeRequest, FakeResponse, FakeRoute } from "./fake-intuit-types";
import { type IntuitEndpoints, intuitEndpointsFor } from "./intuit-endpoints";
import {
  createFakeIntuitOAuth,
  driveIntuitConsent,
  type FakeIntuitClient,
  type FakeIntuitOAuthControls,
  type IntuitConsentChoice,
  type IntuitUser,
  type RefreshTokenRotation,
} from "./oauth";
import { createFakeWebhooks, type FakeWebhooksControls, type WebhookFormat } from "./webhooks";

export type FakeIntuitOptions = {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  clients: FakeIntuitClient[];
  /** When a refresh returns a new refresh-token value; default `{ afterMs: 24 h }` (Intuit's observed behaviour). */
  rotation?: RefreshTokenRotation;
  /** How long a superseded refresh token still works; default 0 (it fails at once with invalid_grant). */
  supersededGraceMs?: number;
  /** Replaying a superseded refresh token revokes its whole grant (the worst case); default false. */
  revokeFamilyOnReuse?: boolean;
  /** The person signed in on the consent page; default Alice Admin (the demo admin). */
  user?: IntuitUser;
  /** Where Intuit POSTs change notifications, for the first client's app unless `clientId` names another. */
  webhooks?: {
    endpoints: string[];
    verifierToken: string;
    format?: WebhookFormat;
    clientId?: string;
    /** Changes within this window are sent as one batch; default 250 ms. */
    batchWindowMs?: number;
    /** Default 3000 ms, Intuit's. */
    timeoutMs?: number;
    /** Default 1 s, 5 s, 30 s. */
    retryDelaysMs?: number[];
  };
  /** The demo companies (default, `true`), your own, or `false` for one empty company. */
  seed?: boolean | RealmSeed[];
  /** The fake's clock in epoch milliseconds; tests can move it (token and code expiry, CDC's window, dates). */
  now?: () => number;
  throttle?: ThrottleOptions;
  /** Validation faults come back as HTTP 200 with the Fault in the body; default false. */
  faultsInHttp200?: boolean;
};

export type FakeIntuit = {
  /** The origin every endpoint is served on, e.g. http://127.0.0.1:43123 (the only difference from Intuit). */
  url: string;
  /** Intuit's endpoints on `url`, for the CRM's settings. */
  endpoints: IntuitEndpoints;
  authority: FakeIntuitAuthority;
  oauth: FakeIntuitOAuthControls;
  books: FakeBooksControls;
  /** The emitter's controls; without `webhooks` options it has no endpoints and sends nothing. */
  webhooks: FakeWebhooksControls;
  /** Drives the connect page like a browser and returns the redirect's Location without following it. */
  consent(authorizationUrl: string, choice: IntuitConsentChoice): Promise<string>;
  close(): Promise<void>;
};

const maxBodyBytes = 1024 * 1024;

function readRequestBody(request: IncomingMessage): Promise<Buffer | undefined> {
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

function writeResponse(response: ServerResponse, answer: FakeResponse) {
  if (answer.hangUp) {
    // Processed, but the client never hears back: its socket is destroyed without a status line.
    response.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...answer.headers };
  let body = "";
  if (answer.json !== undefined) {
    body = JSON.stringify(answer.json);
    headers["content-type"] ??= "application/json;charset=UTF-8";
  } else if (answer.text !== undefined) {
    body = answer.text;
    headers["content-type"] ??= "text/plain;charset=UTF-8";
  }
  response.writeHead(answer.status, headers);
  response.end(body);
}

/** One empty company, for `seed: false`: only QBO's default "Services" item. */
function emptyCompany(now: number): RealmSeed {
  return {
    realmId: demoRealmIds.northwind,
    companyName: "Sandbox Company_US_1",
    legalName: "Sandbox Company_US_1",
    country: "US",
    homeCurrency: "USD",
    timeZone: "America/Los_Angeles",
    email: "noreply@sandbox-company.example",
    createdAt: now,
    customers: [],
    items: [{ id: "1", name: "Services", unitPriceCents: 0 }],
    invoices: [],
    payments: [],
  };
}

/**
 * A fake Intuit on one local origin: OAuth 2.0 (connect page, token endpoint with refresh-token rotation, revoke),
 * the QuickBooks Online Accounting API (customers, invoices, payments, items, query, CDC) and the webhook
 * emitter. Production code reaches it only through its configured base URLs.
 */
export async function startFakeIntuit(options: FakeIntuitOptions): Promise<FakeIntuit> {
  const now = options.now ?? Date.now;
  const seed =
    options.seed === false ? [emptyCompany(now())] : Array.isArray(options.seed) ? options.seed : demoBooks(now());
  const realmList = () => seed.map(({ realmId, companyName }) => ({ realmId, companyName }));
  const oauth = createFakeIntuitOAuth({
    clients: options.clients,
    realms: realmList,
    user: options.user,
    rotation: options.rotation,
    supersededGraceMs: options.supersededGraceMs,
    revokeFamilyOnReuse: options.revokeFamilyOnReuse,
    now,
  });
  const webhookClientId = options.webhooks?.clientId ?? options.clients[0]?.clientId ?? "";
  const webhooks = createFakeWebhooks({
    endpoints: options.webhooks?.endpoints ?? [],
    verifierToken: options.webhooks?.verifierToken ?? "",
    format: options.webhooks?.format,
    appId: webhookClientId,
    isSubscribed: (realmId) => oauth.authority.isConnected(realmId, webhookClientId),
    now,
    batchWindowMs: options.webhooks?.batchWindowMs,
    timeoutMs: options.webhooks?.timeoutMs,
    retryDelaysMs: options.webhooks?.retryDelaysMs,
  });
  const accounting = createFakeAccounting({
    authority: oauth.authority,
    seed,
    throttle: options.throttle,
    faultsInHttp200: options.faultsInHttp200,
    onChange: (change) => webhooks.notify(change),
  });
  const routes: FakeRoute[] = [oauth.route, accounting.route, booksPage(accounting.controls, oauth.controls)];

  const server = createServer(async (request, response) => {
    try {
      const body = await readRequestBody(request);
      if (body === undefined) return writeResponse(response, { status: 413, text: "Request Entity Too Large" });
      const fakeRequest: FakeRequest = {
        method: request.method ?? "GET",
        url: new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`),
        headers: request.headers,
        body,
      };
      for (const route of routes) {
        const answer = await route(fakeRequest);
        if (answer) return writeResponse(response, answer);
      }
      writeResponse(response, { status: 404, text: "Not Found" });
    } catch (error) {
      writeResponse(response, { status: 500, text: `Internal Server Error (${String(error)})` });
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  return {
    url,
    endpoints: intuitEndpointsFor(url),
    authority: oauth.authority,
    oauth: oauth.controls,
    books: accounting.controls,
    webhooks: webhooks.controls,
    consent: (authorizationUrl, choice) => driveIntuitConsent(authorizationUrl, choice),
    close: async () => {
      await webhooks.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of clients (fetch keeps them open) would hold close() up.
      server.closeAllConnections();
      await closed;
    },
  };
}
