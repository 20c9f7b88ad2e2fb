import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeXeroAccounting, type FakeXeroAccountingControls, type XeroRateLimits } from "./accounting";
import { demoOrganisations, type XeroOrganisationSeed } from "./demo-organisations";
import {
  createFakeXeroIdentity,
  driveXeroConsent,
  type FakeXeroClient,
  type FakeXeroIdentityControls,
  type FakeXeroUser,
  type GraceRetryAnswer,
  type XeroAuthority,
  type XeroConsentChoice,
} from "./identity";
import { createFakeXeroWebhooks, type FakeXeroWebhooksControls, type FakeXeroWebhooksOptions } from "./webhooks";
import {
  gatewayProblem,
  readRequestBody,
  writeResponse,
  type XeroRequest,
  type XeroRoute,
  type XeroTenant,
} from "./xero-http";

export type FakeXeroOptions = {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  clients: FakeXeroClient[];
  /** The Xero user who signs in on the consent page; default the demo admin (alice@example.com). */
  user?: FakeXeroUser;
  /** How long the previous refresh token stays usable after a rotation; default 30 minutes. */
  graceMs?: number;
  /** What a grace-period retry answers; default "new-tokens" (see GraceRetryAnswer). */
  graceRetry?: GraceRetryAnswer;
  /** A refresh token reused outside its grace revokes its whole token family (the worst case); default false. */
  revokeFamilyOnReuse?: boolean;
  /** An unused refresh token expires after this long; default 60 days. */
  refreshTokenIdleMs?: number;
  /** The `iss` of tokens; default "https://identity.xero.com". */
  issuer?: string;
  /**
   * The app's webhook: where to POST (intent to receive runs for each at start) and the key that signs payloads.
   * Events are sent only for tenants connected to `clientId` (default: the first client).
   */
  webhooks?: { endpoints: string[]; webhookKey: string; clientId?: string } & Pick<
    FakeXeroWebhooksOptions,
    "retryDelaysMs" | "responseTimeoutMs" | "batchDelayMs" | "intentToReceiveOnRegister"
  >;
  /** Seed the demo organisations' contacts, invoices and payments; false keeps the two organisations empty. */
  seed?: boolean;
  /** Organisations to use instead of the demo ones (e.g. `demoOrganisations(now)` edited). */
  organisations?: XeroOrganisationSeed[];
  /** The fake's clock in epoch milliseconds; tests move it (token lifetimes, grace, rate-limit windows). */
  now?: () => number;
  limits?: XeroRateLimits;
  /** How long an Idempotency-Key's answer is kept; default 6 minutes. */
  idempotencyKeyTtlMs?: number;
};

export type FakeXero = {
  /** The origin every endpoint is served on (the only difference from Xero's hosts). */
  url: string;
  /** `${url}/api.xro/2.0`, the Accounting API's base. */
  apiBaseUrl: string;
  identity: FakeXeroIdentityControls;
  /** The organisations the user can connect. */
  tenants(): XeroTenant[];
  accounting: FakeXeroAccountingControls;
  webhooks: FakeXeroWebhooksControls;
  /** The key that signs webhook payloads (the configured one, or a random one when none was given). */
  webhookKey: string;
  authority: XeroAuthority;
  /** Drives the consent page like a browser and returns the redirect's Location without following it. */
  consent(authorizationUrl: string, choice: XeroConsentChoice): Promise<string>;
  close(): Promise<void>;
};

/** Asks each module in turn; the first answer wins. */
function composeRoutes(routes: XeroRoute[]): XeroRoute {
  return async (request) => {
    for (const route of routes) {
      const answer = await route(request);
      if (answer) return answer;
    }
    return undefined;
  };
}

/**
 * A fake Xero on one local origin: identity (authorize and consent page, token with rotating refresh tokens,
 * revocation, connections), the Accounting API (Contacts, Invoices, Payments, Organisation) with Xero's limits,
 * and a webhook emitter with intent to receive. Production code reaches it only through its configured base URLs.
 */
export async function startFakeXero(options: FakeXeroOptions): Promise<FakeXero> {
  const now = options.now ?? Date.now;
  const demo = demoOrganisations(now());
  const organisations =
    options.organisations ??
    (options.seed === false ? demo.map((organisation) => ({ ...organisation, contacts: [], invoices: [] })) : demo);
  const tenantList = organisations.map((organisation) => organisation.tenant);
  const identity = createFakeXeroIdentity({
    clients: options.clients,
    tenants: tenantList,
    now,
    ...(options.user ? { user: options.user } : {}),
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
    ...(options.graceRetry ? { graceRetry: options.graceRetry } : {}),
    ...(options.revokeFamilyOnReuse ? { revokeFamilyOnReuse: true } : {}),
    ...(options.refreshTokenIdleMs === undefined ? {} : { refreshTokenIdleMs: options.refreshTokenIdleMs }),
    ...(options.issuer ? { issuer: options.issuer } : {}),
  });
  let url = "";
  const webhookKey = options.webhooks?.webhookKey ?? randomBytes(48).toString("base64");
  const webhookClientId = options.webhooks?.clientId ?? options.clients[0]?.clientId ?? "";
  const { endpoints: configuredEndpoints = [], ...webhookOptions } = options.webhooks ?? {};
  const webhooks = createFakeXeroWebhooks({
    ...webhookOptions,
    webhookKey,
    now,
    apiBaseUrl: () => `${url}/api.xro/2.0`,
  });
  const clientNames = new Map(options.clients.map((client) => [client.clientId, client.name ?? client.clientId]));
  const accounting = createFakeXeroAccounting({
    organisations,
    authority: identity.authority,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.idempotencyKeyTtlMs === undefined ? {} : { idempotencyKeyTtlMs: options.idempotencyKeyTtlMs }),
    appName: (clientId) => clientNames.get(clientId) ?? clientId,
    onChange: (change) => {
      // Xero sends an app's webhooks only for the organisations connected to it.
      if (identity.authority.appConnected(webhookClientId, change.tenantId)) webhooks.publish(change);
    },
  });
  const route = composeRoutes([identity.route, accounting.route]);

  const server = createServer(async (request, response) => {
    try {
      const body = await readRequestBody(request);
      if (body === undefined)
        return writeResponse(response, gatewayProblem(413, "Payload Too Large", "RequestTooLarge"));
      const xeroRequest: XeroRequest = {
        method: request.method ?? "GET",
        url: new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`),
        headers: request.headers,
        body,
      };
      const answer = await route(xeroRequest);
      writeResponse(
        response,
        answer ?? gatewayProblem(404, "Not Found", "The resource you're looking for cannot be found"),
      );
    } catch (error) {
      writeResponse(response, gatewayProblem(500, "Internal Server Error", `An error occurred (${String(error)})`));
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  // Like Xero validating an endpoint when it is saved: intent to receive runs for each configured one now.
  for (const endpoint of configuredEndpoints) void webhooks.controls.register(endpoint);

  return {
    url,
    apiBaseUrl: `${url}/api.xro/2.0`,
    identity: identity.controls,
    tenants: () => tenantList.map((tenant) => ({ ...tenant })),
    accounting: accounting.controls,
    webhooks: webhooks.controls,
    webhookKey,
    authority: identity.authority,
    consent: (authorizationUrl, choice) => driveXeroConsent(authorizationUrl, choice),
    close: async () => {
      await webhooks.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets of clients (fetch keeps them open) would hold close() up.
      server.closeAllConnections();
      await closed;
    },
  };
}
