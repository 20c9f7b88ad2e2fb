import { randomInt, randomUUID } from "node:crypto";
import { busName, busSubscriptions } from "@crm/core/declarations";
import { runRequestedSync, SyncStateEntity, syncQuickBooks, syncXero } from "@crm/core/integration";
import { open, type SealedSecret } from "@crm/core/vault";
import { type LocalBus, startLocalBus } from "@crm/local/events";
import { startHttpGateway } from "@crm/local/gateway";
import { demoBooks, type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { demoCompanies } from "@crm/local/seed";
import { demoOrganisations, type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany } from "../support/builders";
import { eventually } from "../support/eventually";
import {
  intuitSettingsFor,
  linkGoogle,
  linkProviderSettings,
  storedConnection,
  testIntuitClient,
  testIntuitVerifierToken,
  testXeroClient,
  testXeroWebhookKey,
  xeroSettingsFor,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type ConnectionItem = Awaited<ReturnType<typeof storedConnection>>;

let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
let bus: LocalBus;
let intuit: FakeIntuit;
let xero: FakeXero;

// The fakes' webhooks come over real HTTP to the local gateway's receivers, and the sync requests they put on the
// bus run the real subscriber. The emitters are paused except in the webhook tests, so no sync runs behind a test.
// The fakes' companies have ids of their own: a webhook syncs every connection of its realm or tenant in the shared
// table, and must not reach other files' connections (nor theirs ours).
beforeAll(async () => {
  process.env.PROVIDER_BREAKER_OPEN_SECONDS = "1";
  // Shorter than the 10 s default so a stalled provider costs seconds, long enough that no call of a loaded
  // machine reaches it (at 2 s one did, and the outage test's counts were off).
  process.env.PROVIDER_ATTEMPT_TIMEOUT_SECONDS = "5";
  gateway = await startHttpGateway({ port: 0 });
  bus = await startLocalBus({
    busName: "crm-test-bus",
    subscriptions: { integrationSync: busSubscriptions.integrationSync },
    retry: { attempts: 3, baseDelayMs: 50 },
  });
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: "crm-test-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  intuit = await startFakeIntuit({
    // Intuit allows 10 calls a second per company; a fast run of these tests (a first sync, then three attempts and
    // two more) reaches that, and its 429 would defer a run the outage tests count on. Their faults are injected.
    throttle: { requestsPerSecond: 1_000 },
    clients: [{ ...testIntuitClient, redirectUris: [`${gateway.url}/v1/integrations/quickbooks/callback`] }],
    seed: demoBooks(Date.now()).map((books) => ({ ...books, realmId: `9${randomInt(10 ** 12, 10 ** 13)}` })),
    webhooks: {
      endpoints: [`${gateway.url}/v1/integrations/quickbooks/webhooks`],
      verifierToken: testIntuitVerifierToken,
      retryDelaysMs: [50, 100],
    },
  });
  xero = await startFakeXero({
    clients: [{ ...testXeroClient, redirectUris: [`${gateway.url}/v1/integrations/xero/callback`] }],
    organisations: demoOrganisations(Date.now()).map((organisation) => ({
      ...organisation,
      tenant: { ...organisation.tenant, tenantId: randomUUID() },
    })),
    webhooks: { endpoints: [`${gateway.url}/v1/integrations/xero/webhooks`], webhookKey: testXeroWebhookKey },
  });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
  linkGoogle("http://127.0.0.1:9", `${gateway.url}/`);
  await xero.webhooks.idle(); // intent to receive against the gateway
});
afterAll(async () => {
  await intuit?.close();
  await xero?.close();
  await bus?.close();
  await gateway?.close();
});

/** The connections this file made, disconnected after each test so a webhook never syncs an earlier test's. */
const connected: { org: TestOrganisation; connectionId: string }[] = [];
beforeEach(() => {
  intuit.webhooks.pause();
  xero.webhooks.pause();
  xero.accounting.resetLimits(); // Xero's 60 calls a minute per tenant: each test starts with its own
  intuit.books.resetLimits(); // and Intuit's, and anything a test left queued
  xero.accounting.delayResponses(0);
});
afterEach(async () => {
  for (const { org, connectionId } of connected.splice(0)) {
    await invoke("integrations.delete", { token: org.admin.token, params: { orgId: org.orgId, connectionId } });
  }
});

/** An organisation with the demo companies (most are customers in the fakes' books). */
async function anOrganisationWithCompanies() {
  const org = await anOrganisation();
  const companies = new Map<string, string>();
  for (const company of demoCompanies) {
    companies.set(company.name, (await aCompany(org, { name: company.name, domain: company.domain })).id);
  }
  return { org, globexId: companies.get("Globex Corporation") as string };
}

async function completeConnection(org: TestOrganisation, provider: string, location: string) {
  const callback = await invoke("integrations.callback", {
    params: { provider },
    query: Object.fromEntries(new URL(location).searchParams),
  });
  expect(callback.status, JSON.stringify(callback.body)).toBe(200);
  const connectionId = callback.body.id as string;
  if (!connected.some((each) => each.connectionId === connectionId)) connected.push({ org, connectionId });
  return { connectionId, status: callback.body.status as string };
}

const startConnecting = async (org: TestOrganisation, provider: string) =>
  (await invoke("integrations.connect", { token: org.admin.token, params: { orgId: org.orgId, provider } })).body
    .authorizationUrl as string;

/** Connects Xero to one organisation of the fake; the grant may reach more, so the admin then chooses it. */
async function connectXero(org: TestOrganisation, tenantId: string) {
  const location = await xero.consent(await startConnecting(org, "xero"), { tenantIds: [tenantId] });
  const { connectionId, status } = await completeConnection(org, "xero", location);
  if (status === "pending") {
    const chosen = await invoke("integrations.chooseTenant", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
      body: { tenantId },
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
  }
  return connectionId;
}

/**
 * What the tests need of one accounting provider and its fake: connecting, a sync run, the fake's books of the
 * Globex customer, and the fake's faults (revocation, throttling, outage) and webhook emitter.
 */
type AccountingProvider = {
  name: string;
  resource: string;
  connect(org: TestOrganisation): Promise<string>;
  sync(connection: ConnectionItem): Promise<string>;
  /** The ids of the fake's invoices of the Globex customer (sales invoices only). */
  globexInvoiceIds(): string[];
  /** A new invoice for Globex, made in the books; its id. */
  billGlobex(): string;
  /** The user revokes the app's grant at the provider. */
  revoke(connection: ConnectionItem): Promise<void>;
  /** The next `count` API calls answer 429, with the provider's Retry-After (if it sends one). */
  throttle(count: number): void;
  /** How long the provider asks to wait after a 429, as the deferral should be (give or take a few seconds). */
  expectedWaitSeconds: number;
  /** The next `count` API calls answer 503. */
  outage(count: number): void;
  /** Every API call takes `ms` before it answers (0: at once again). */
  delay(ms: number): void;
  apiCalls(): number;
  webhooks: {
    pause(): void;
    resume(): void;
    duplicateNext(): void;
    idle(): Promise<void>;
    /** Delivered payloads (not intent-to-receive) answered 200. */
    delivered(): number;
  };
};

const quickBooks: AccountingProvider = {
  name: "QuickBooks Online",
  resource: "quickbooks.books",
  connect: async (org) => {
    const location = await intuit.consent(await startConnecting(org, "quickbooks"), { realmId: realm() });
    return (await completeConnection(org, "quickbooks", location)).connectionId;
  },
  sync: (connection) => syncQuickBooks(connection),
  globexInvoiceIds: () =>
    intuit.books
      .invoices(realm())
      .filter((invoice) => invoice.CustomerRef.value === qboGlobex())
      .map((invoice) => invoice.Id),
  billGlobex: () =>
    intuit.books.createInvoice(realm(), {
      customerId: qboGlobex(),
      lines: [{ description: "Support plan", quantity: 1, unitPriceCents: 99_00 }],
      status: "sent",
    }).Id,
  revoke: async () => intuit.oauth.revokeRealm(realm()), // QuickBooks → Apps → Disconnect
  throttle: (count) => intuit.books.throttleNext(count),
  expectedWaitSeconds: 60, // Intuit sends no Retry-After; its documentation says to wait 60 seconds
  outage: (count) =>
    intuit.books.faultNext(
      { code: "10000", message: "An application error has occurred.", type: "SystemFault", status: 503 },
      { count },
    ),
  delay: (ms) => intuit.books.setLatency(ms),
  apiCalls: () => intuit.books.requests().length,
  webhooks: {
    pause: () => intuit.webhooks.pause(),
    resume: () => intuit.webhooks.resume(),
    duplicateNext: () => intuit.webhooks.duplicateNext(),
    idle: () => intuit.webhooks.idle(),
    delivered: () => intuit.webhooks.deliveries().filter((delivery) => delivery.status === 200).length,
  },
};

const realm = () => intuit.books.realms()[0]?.realmId as string;
const qboGlobex = () =>
  intuit.books.customers(realm()).find((customer) => customer.DisplayName.startsWith("Globex"))?.Id as string;

const xeroThrottleSeconds = 30;

const xeroBooks: AccountingProvider = {
  name: "Xero",
  resource: "xero.books",
  connect: (org) => connectXero(org, firstTenant()),
  sync: (connection) => syncXero(connection),
  globexInvoiceIds: () =>
    xero.accounting
      .invoices(firstTenant())
      .filter((invoice) => invoice.Type === "ACCREC" && invoice.Contact.ContactID === xeroGlobex())
      .map((invoice) => invoice.InvoiceID),
  billGlobex: () =>
    xero.accounting.createInvoice(firstTenant(), {
      contactId: xeroGlobex(),
      status: "AUTHORISED",
      dueDate: Date.now() + 30 * 86_400_000,
      lineItems: [{ description: "Support plan", quantity: 1, unitAmount: 99 }],
    }).InvoiceID,
  // The user revokes the app (its grant) in Xero: the refresh token dies with it.
  revoke: async (connection) => {
    const keys = { orgId: connection.orgId, connectionId: connection.connectionId, token: "refresh" as const };
    xero.identity.revokeGrant(await open(connection.sealedRefreshToken as SealedSecret, keys));
  },
  throttle: (count) => xero.accounting.throttleNext(count, "minute", xeroThrottleSeconds),
  expectedWaitSeconds: xeroThrottleSeconds,
  outage: (count) => xero.accounting.failNext(count, 503),
  delay: (ms) => xero.accounting.delayResponses(ms),
  apiCalls: () => xero.accounting.requests().length,
  webhooks: {
    pause: () => xero.webhooks.pause(),
    resume: () => xero.webhooks.resume(),
    duplicateNext: () => xero.webhooks.duplicateNext(),
    idle: () => xero.webhooks.idle(),
    delivered: () =>
      xero.webhooks.deliveries().filter((delivery) => delivery.kind === "events" && delivery.status === 200).length,
  },
};

const firstTenant = () => xero.tenants()[0]?.tenantId as string;
const xeroGlobex = () =>
  xero.accounting.contacts(firstTenant()).find((contact) => contact.Name.startsWith("Globex"))?.ContactID as string;

type StoredInvoice = { id: string; externalId: string; status: string };

async function invoicesOf(org: TestOrganisation, companyId: string): Promise<StoredInvoice[]> {
  const response = await invoke("companies.invoices", {
    token: org.admin.token,
    params: { orgId: org.orgId, companyId },
  });
  expect(response.status).toBe(200);
  return response.body.data as StoredInvoice[];
}

/** The organisation's audit entries (the outbox of invoice.created, invoice.paid, …) as `recordId action`. */
async function eventsOf(org: TestOrganisation): Promise<string[]> {
  const events: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { limit: "100", ...(cursor ? { cursor } : {}) },
    });
    expect(page.status).toBe(200);
    for (const entry of page.body.data as { recordId: string; action: string }[]) {
      events.push(`${entry.recordId} ${entry.action}`);
    }
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

/**
 * The company's invoices are the books' (each exactly once), and each was announced as created exactly once:
 * nothing lost, nothing duplicated.
 */
async function expectBooksMirrored(org: TestOrganisation, companyId: string, provider: AccountingProvider) {
  const stored = await invoicesOf(org, companyId);
  expect(stored.map((invoice) => invoice.externalId).sort()).toEqual(provider.globexInvoiceIds().sort());
  const events = await eventsOf(org);
  for (const invoice of stored) {
    expect(
      events.filter((event) => event === `${invoice.id} created`),
      invoice.externalId,
    ).toHaveLength(1);
  }
  return stored;
}

const syncStateOf = async (org: TestOrganisation, connectionId: string, resource: string) =>
  (await SyncStateEntity.get({ orgId: org.orgId, connectionId, resource }).go({ consistent: true })).data;

/** The deferral's time passes (a later scheduled run), without waiting for it. */
async function deferralPasses(org: TestOrganisation, connectionId: string, resource: string) {
  await SyncStateEntity.patch({ orgId: org.orgId, connectionId, resource })
    .set({ deferredUntil: new Date(Date.now() - 1000).toISOString() })
    .go();
}

const connectionOf = (org: TestOrganisation, connectionId: string) =>
  invoke("integrations.get", { token: org.admin.token, params: { orgId: org.orgId, connectionId } });

describe("calls to Xero share no slots between connections", () => {
  it("many concurrent syncs of one Xero connection never have more than 5 calls in flight, and another connection is not held up", async () => {
    const tenants = xero.tenants();
    const [first, second] = [tenants[0]?.tenantId as string, tenants[1]?.tenantId as string];
    const busy = await anOrganisationWithCompanies();
    const busyConnectionId = await connectXero(busy.org, first);
    const other = await anOrganisation();
    const otherConnectionId = await connectXero(other, second);
    expect(await syncXero(await storedConnection(busy.org, busyConnectionId))).toBe("synced");
    expect(await syncXero(await storedConnection(other, otherConnectionId))).toBe("synced");
    xero.accounting.resetLimits();
    xero.accounting.delayResponses(300); // every call takes a while, so they overlap

    const busyConnection = await storedConnection(busy.org, busyConnectionId);
    const syncs = Array.from({ length: 15 }, () => syncXero(busyConnection));
    const busyDone = Promise.all(syncs).then((outcomes) => ({ outcomes, at: performance.now() }));
    const otherDone = syncXero(await storedConnection(other, otherConnectionId)).then((outcome) => ({
      outcome,
      at: performance.now(),
    }));
    const [busyResult, otherResult] = await Promise.all([busyDone, otherDone]);

    expect(busyResult.outcomes.every((outcome) => outcome === "synced")).toBe(true);
    expect(otherResult.outcome).toBe("synced");
    // Xero counts the calls in flight per tenant and answers 429 over 5: it never had to.
    expect(xero.accounting.peakConcurrency(first)).toBe(5);
    expect(xero.accounting.requests().filter((request) => request.status === 429)).toEqual([]);
    // 30 calls of the busy connection take 6 rounds at 5 at a time; the other's 2 calls do not queue behind them.
    expect(otherResult.at).toBeLessThan(busyResult.at);
  }, 60_000);
});

describe.each([quickBooks, xeroBooks])("$name: syncing survives the provider's failures", (provider) => {
  async function aSyncedConnection() {
    const { org, globexId } = await anOrganisationWithCompanies();
    const connectionId = await provider.connect(org);
    expect(await provider.sync(await storedConnection(org, connectionId))).toBe("synced");
    const before = await expectBooksMirrored(org, globexId, provider);
    expect(before.length).toBeGreaterThan(0);
    return { org, globexId, connectionId, before };
  }
  const sync = async (org: TestOrganisation, connectionId: string) =>
    provider.sync(await storedConnection(org, connectionId));

  it("a grant the user revoked marks the connection needs_reauth and tells the admins; the invoices stay, and reconnecting catches up once", async () => {
    const { org, globexId, connectionId, before } = await aSyncedConnection();
    await provider.revoke(await storedConnection(org, connectionId));
    const billed = provider.billGlobex();

    expect(await sync(org, connectionId)).toBe("needs_reauth");
    expect((await connectionOf(org, connectionId)).body).toMatchObject({ status: "needs_reauth" });
    const notifications = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(notifications.body.data).toEqual([
      expect.objectContaining({ kind: "integration.needs_reauth", subject: { type: "integration", id: connectionId } }),
    ]);
    expect(await invoicesOf(org, globexId)).toEqual(before);
    expect(await sync(org, connectionId)).toBe("skipped"); // no more calls with a dead grant

    expect(await provider.connect(org)).toBe(connectionId); // the admin connects again: the same connection
    expect(await sync(org, connectionId)).toBe("synced");
    const after = await expectBooksMirrored(org, globexId, provider);
    expect(after.map((invoice) => invoice.externalId)).toContain(billed);
    expect(after).toHaveLength(before.length + 1);
  });

  it("a 429 storm defers each run for as long as the provider asks, counts no failure, and a later run catches up once", async () => {
    const { org, globexId, connectionId, before } = await aSyncedConnection();
    const billed = provider.billGlobex();
    provider.throttle(4);
    for (let run = 0; run < 4; run++) {
      const started = Date.now();
      expect(await sync(org, connectionId)).toBe("deferred");
      const state = await syncStateOf(org, connectionId, provider.resource);
      expect(state).toMatchObject({ consecutiveFailures: 0 });
      const wait = (Date.parse(state?.deferredUntil as string) - started) / 1000;
      expect(wait).toBeGreaterThanOrEqual(provider.expectedWaitSeconds - 1);
      expect(wait).toBeLessThanOrEqual(provider.expectedWaitSeconds + 5);
      // Until the wait is over, a run does not call the provider at all.
      const calls = provider.apiCalls();
      expect(await sync(org, connectionId)).toBe("skipped");
      expect(provider.apiCalls()).toBe(calls);
      await deferralPasses(org, connectionId, provider.resource);
    }
    expect((await connectionOf(org, connectionId)).body).toMatchObject({ status: "active", circuit: "closed" });
    const notifications = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(notifications.body.data).toEqual([]); // backpressure is not a failure: nobody is alarmed

    expect(await sync(org, connectionId)).toBe("synced");
    const after = await expectBooksMirrored(org, globexId, provider);
    expect(after.map((invoice) => invoice.externalId)).toContain(billed);
    expect(after).toHaveLength(before.length + 1);
  });

  /** The failed attempts in the connection's own log, by class (the provider's count misses one that never reached it). */
  async function failedAttempts(org: TestOrganisation, connectionId: string) {
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
      query: { limit: "100" },
    });
    const classes: string[] = log.body.data.flatMap((entry: { errorClass?: string }) =>
      entry.errorClass ? [entry.errorClass] : [],
    );
    return {
      failed: classes.filter((errorClass) => ["server_error", "network", "timeout"].includes(errorClass)).length,
      notSent: classes.filter((errorClass) => errorClass === "circuit_open").length,
    };
  }

  it("an outage is retried, then deferred and the breaker opens; once the provider is back the next run catches up once", async () => {
    const { org, globexId, connectionId, before } = await aSyncedConnection();
    const billed = provider.billGlobex();
    provider.outage(5); // three attempts in the first run, two more open the breaker
    const calls = provider.apiCalls();
    expect(await sync(org, connectionId)).toBe("deferred");
    expect(await failedAttempts(org, connectionId)).toEqual({ failed: 3, notSent: 0 }); // the first and two retries
    await deferralPasses(org, connectionId, provider.resource);
    expect(await sync(org, connectionId)).toBe("deferred");
    // The breaker opened on the fifth failure and stopped the retries: the run's third attempt was never sent.
    expect(await failedAttempts(org, connectionId)).toEqual({ failed: 5, notSent: 1 });
    expect(provider.apiCalls() - calls).toBeLessThanOrEqual(5);
    expect((await connectionOf(org, connectionId)).body).toMatchObject({ status: "active", circuit: "open" });
    expect(await syncStateOf(org, connectionId, provider.resource)).toMatchObject({
      consecutiveFailures: 2,
      deferredUntil: expect.any(String),
    });
    expect(await invoicesOf(org, globexId)).toEqual(before);

    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the breaker's open second passes
    await deferralPasses(org, connectionId, provider.resource);
    expect(await sync(org, connectionId)).toBe("synced");
    expect(await syncStateOf(org, connectionId, provider.resource)).toMatchObject({ consecutiveFailures: 0 });
    expect((await connectionOf(org, connectionId)).body).toMatchObject({ circuit: "closed" });
    const after = await expectBooksMirrored(org, globexId, provider);
    expect(after.map((invoice) => invoice.externalId)).toContain(billed);
    expect(after).toHaveLength(before.length + 1);
    expect(await sync(org, connectionId)).toBe("synced");
    expect(await invoicesOf(org, globexId)).toHaveLength(before.length + 1);
  });

  // The time limit is the same code for every provider: one is enough, as each attempt waits out the limit.
  if (provider === quickBooks) {
    it("a provider that stops answering fails each attempt at its time limit: retried, then deferred, and it opens the breaker", async () => {
      const { org, connectionId } = await aSyncedConnection();
      provider.delay(6_000); // past the attempt's limit of 5 seconds (PROVIDER_ATTEMPT_TIMEOUT_SECONDS)
      try {
        expect(await sync(org, connectionId)).toBe("deferred");
        await eventually(async () =>
          expect(await failedAttempts(org, connectionId)).toEqual({ failed: 3, notSent: 0 }),
        );
        await deferralPasses(org, connectionId, provider.resource);
        expect(await sync(org, connectionId)).toBe("deferred");
        await eventually(async () =>
          expect(await failedAttempts(org, connectionId)).toEqual({ failed: 5, notSent: 1 }),
        );
        expect((await connectionOf(org, connectionId)).body).toMatchObject({ status: "active", circuit: "open" });
      } finally {
        provider.delay(0);
      }
    }, 60_000);
  }

  it("a change whose webhook never came arrives with the scheduled poll, once", async () => {
    const { org, globexId, connectionId, before } = await aSyncedConnection();
    const billed = provider.billGlobex(); // the emitter is paused: this webhook is lost
    await provider.webhooks.idle();
    expect(await invoicesOf(org, globexId)).toEqual(before);

    // What the scheduled job runs for each active connection.
    const connection = await storedConnection(org, connectionId);
    const poll = { provider: connection.provider, orgId: org.orgId, connectionId };
    expect(await runRequestedSync(poll)).toBe("synced");
    expect(await runRequestedSync(poll)).toBe("synced");
    const after = await expectBooksMirrored(org, globexId, provider);
    expect(after.map((invoice) => invoice.externalId)).toContain(billed);
    expect(after).toHaveLength(before.length + 1);
  });

  it("a webhook delivered twice (the same signed body) is accepted both times and the invoice is stored and announced once", async () => {
    const { org, globexId, connectionId, before } = await aSyncedConnection();
    const delivered = provider.webhooks.delivered();
    provider.webhooks.resume();
    provider.webhooks.duplicateNext();
    const billed = provider.billGlobex();
    await provider.webhooks.idle();
    provider.webhooks.pause();
    expect(provider.webhooks.delivered() - delivered).toBe(2);

    await eventually(async () => {
      await bus.idle();
      expect((await invoicesOf(org, globexId)).map((invoice) => invoice.externalId)).toContain(billed);
    }, 30_000);
    await bus.idle();
    const after = await expectBooksMirrored(org, globexId, provider);
    expect(after).toHaveLength(before.length + 1);
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    const incoming = (log.body.data as { direction: string }[]).filter((entry) => entry.direction === "incoming");
    expect(incoming).toHaveLength(2);
  }, 60_000);
});
