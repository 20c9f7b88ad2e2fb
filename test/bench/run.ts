/**
 * `npm run bench`: handler latency against DynamoDB Local, through real payload-2.0 events, reported as medians and
 * percentiles (this machine is shared and noisy; compare ratios between runs, not absolute numbers).
 *
 * Then search in an organisation of `BENCH_SEARCH_CONTACTS` contacts (100,000; 0 skips it), written straight to the
 * table in batches as the services would store them, over `BENCH_SEARCH_QUERIES` (300) varied queries, with the
 * number of DynamoDB requests each search makes.
 *
 * Then import and export (test/bench/import-export.ts): `BENCH_IMPORT_ROWS` (100,000; 0 skips it) contacts from a
 * CSV through the real import runner, in rows per second with peak memory, then exported as CSV and NDJSON.
 *
 * First, cold starts (`BENCH_COLD_RUNS`, 15; 0 skips them): every function bundled as SST ships it, its cold import
 * time in fresh processes as a ratio to a bare DynamoDB handler's, bundled the same way (cold-starts.ts).
 *
 * Before search, real time: `BENCH_REALTIME_CONNECTIONS` (1,000; 0 skips it) WebSocket connections through the local
 * gateway, all subscribed to one organisation, then `BENCH_REALTIME_WRITES` (50) committed writes, each timed from
 * its commit to its delivery on every connection: first with the fan-out called right after the write, then
 * through the whole path (table stream → stream subscriber → EventBridge → fan-out → WebSocket).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RouteId } from "@crm/core/declarations";
import { routes, tableStreamSubscription } from "@crm/core/declarations";
import { handlerEnvironment } from "@crm/local/cloud";
import { localAwsClientConfig, provisionTable, startDynamoDbLocal } from "@crm/local/dynamodb";
import { type LocalBus, startLocalBus, startStreamReader } from "@crm/local/events";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import { loadOrCreateIdentityProvider } from "@crm/local/identity";
import type { LocalS3 } from "@crm/local/s3";
import { startWebSocketGateway, type WebSocketGateway } from "@crm/local/websocket";

const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);
const searchContacts = Number(process.env.BENCH_SEARCH_CONTACTS ?? 100_000);
const searchQueries = Number(process.env.BENCH_SEARCH_QUERIES ?? 300);
const realtimeConnections = Number(process.env.BENCH_REALTIME_CONNECTIONS ?? 1000);
const realtimeWrites = Number(process.env.BENCH_REALTIME_WRITES ?? 50);
const importRows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 15);

if (coldRuns > 0) {
  // Before DynamoDB Local starts: fresh processes on a quiet machine, and nothing of this process's warm modules.
  const { bundleEveryFunction } = await import("./function-bundles");
  const { measureColdStarts } = await import("./cold-starts");
  const { bundles } = await bundleEveryFunction();
  await measureColdStarts(bundles, coldRuns);
}

/** Names for the seeded contacts: real first names, last names and domains made of syllables. */
const firstNames = (
  "Ada Alan Alice Amara Ana Anders Anna Aoife Arjun Beatriz Ben Björn Carla Chen Chloé Dara David Diego " +
  "Elena Emeka Emma Fatima Felix Grace Hana Hugo Ines Ivan Jamal Jana Jonas José Julia Kai Karin Kenji " +
  "Lara Leila Liam Lucía Magnus Maria Mateo Mei Nadia Noah Nora Olga Omar Priya Rafael Rosa Sami Sara " +
  "Sofia Tariq Thomas Yara Yusuf Zoë"
).split(" ");

const syllables = (
  "an ber cal dor el fen gar hol is jun kel lan mor nel or pen quin ros sel tor ul van wil xan yor zel " +
  "ash brook ford ley"
).split(" ");

const dynamodb = await startDynamoDbLocal();
let websocket: WebSocketGateway | undefined;
let bus: LocalBus | undefined;
let s3: LocalS3 | undefined;
try {
  const client = new DynamoDBClient(localAwsClientConfig(dynamodb.endpoint));
  await provisionTable(client, "crm-bench");
  client.destroy();
  const idp = await loadOrCreateIdentityProvider({
    dataDirectory: mkdtempSync(join(tmpdir(), "crm-bench-")),
    issuer: "http://127.0.0.1/local-idp",
    audience: "crm-bench",
  });
  // Before the handlers read their configuration: the real-time functions push through this gateway.
  websocket = await startWebSocketGateway({ port: 0 });
  const { busSubscriptions: subscribers } = await import("@crm/core/declarations");
  bus = await startLocalBus({ busName: "crm-bench-bus", subscriptions: { realtime: subscribers.realtime } });
  Object.assign(
    process.env,
    handlerEnvironment({
      tableName: "crm-bench",
      dynamodbEndpoint: dynamodb.endpoint,
      auth: { issuer: idp.issuer, audience: idp.audience, jwks: idp.jwks },
      cursorSigningKey: randomBytes(32).toString("base64url"),
      logLevel: process.env.BENCH_LOG_LEVEL ?? "SILENT",
      realtime: { url: websocket.url, managementEndpoint: websocket.managementEndpoint },
      bus: { name: "crm-bench-bus", endpoint: bus.endpoint },
      // The handlers' metrics, kept out of the bench's output.
      metricsFile: join(mkdtempSync(join(tmpdir(), "crm-bench-metrics-")), "metrics.ndjson"),
    }),
    // The bench measures handlers, not the rate limiter's refusals.
    { RATE_LIMIT_PER_CALLER: "1000000000", RATE_LIMIT_PER_ORGANISATION: "1000000000" },
  );
  // Before the first handler is imported: SST's Resource reads the links once, when it is first loaded.
  if (importRows > 0) {
    const { linkLocalS3 } = await import("../support/files");
    s3 = await linkLocalS3();
  }
  const token = idp.signAccessToken({ email: "bench@example.com" });
  const { anApiEvent } = await import("../support/api-events");

  const call = async (routeId: RouteId, input: Parameters<typeof anApiEvent>[1]) => {
    const handler = await importHandler(routes[routeId].handler);
    const result = (await handler(anApiEvent(routeId, { ...input, token }), lambdaContext(routeId))) as {
      statusCode: number;
      body?: string;
    };
    if (result.statusCode >= 300) throw new Error(`${routeId} answered ${result.statusCode}: ${result.body}`);
    return result.body ? JSON.parse(result.body) : undefined;
  };

  const org = await call("orgs.create", { body: { name: "Bench" } });
  const orgId: string = org.id;
  const contactIds: string[] = [];
  const measure = async (name: string, run: (index: number) => Promise<unknown>, count = iterations) => {
    await run(-1); // warm the module and the connection
    const samples: number[] = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      await run(index);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]?.toFixed(2);
    console.log(`${name.padEnd(34)} p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   (n=${count})`);
    return Number(at(0.5));
  };

  console.log(`Handler latency against DynamoDB Local (Node ${process.versions.node})\n`);
  const create = await measure("POST contacts (3 emails, 1 tx)", async (index) => {
    const contact = await call("contacts.create", {
      params: { orgId },
      body: {
        firstName: `F${index}`,
        lastName: `L${index}`,
        emails: [0, 1, 2].map((n) => `c${index}.${n}@bench.example`),
      },
    });
    contactIds.push(contact.id);
  });
  const get = await measure("GET contact", (index) =>
    call("contacts.get", { params: { orgId, contactId: contactIds[Math.max(0, index) % contactIds.length] ?? "" } }),
  );
  await measure("GET contacts?limit=25", () => call("contacts.list", { params: { orgId }, query: { limit: "25" } }));
  await measure("GET contacts?limit=25&sort=lastName", () =>
    call("contacts.list", { params: { orgId }, query: { limit: "25", sort: "lastName" } }),
  );
  await measure("PATCH contact", (index) =>
    call("contacts.update", {
      params: { orgId, contactId: contactIds[Math.max(0, index) % contactIds.length] ?? "" },
      body: { title: `T${index}` },
    }),
  );
  console.log(`\nratio create/get (p50): ${(create / get).toFixed(2)}`);

  // Per endpoint: DynamoDB calls and units, time outside DynamoDB against a bare handler's, then what they cost.
  {
    const { benchWarmPath, printCostModel } = await import("./warm-path");
    const company = (await call("companies.create", {
      params: { orgId },
      body: { name: "Bench Ltd", domain: "bench.example" },
    })) as {
      id: string;
    };
    const deals: string[] = [];
    for (let index = 0; index < 25; index++) {
      const deal = await call("deals.create", {
        params: { orgId },
        body: { title: `Deal ${index}`, value: { amount: 100_000 + index, currency: "EUR" }, companyId: company.id },
      });
      deals.push(deal.id);
    }
    const contactAt = (index: number) => contactIds[Math.max(0, index) % contactIds.length] ?? "";
    // A rare tag among the contacts: 5 of them, indexed as the tagIndex subscriber does for their creation events
    // (no bus runs here).
    const { reconcileTagIndex } = await import("@crm/core/tag-index");
    const { aDomainEvent } = await import("../support/events");
    for (let index = 0; index < 5; index++) {
      const rare = await call("contacts.create", {
        params: { orgId },
        body: { firstName: `Rare ${index}`, emails: [`rare${index}@bench.example`], tags: ["rare"] },
      });
      const record = { type: "contact" as const, id: rare.id as string };
      await reconcileTagIndex(aDomainEvent({ orgId, type: "contact.created", record }));
    }
    const figures = await benchWarmPath({
      call,
      iterations,
      dynamodbEndpoint: dynamodb.endpoint,
      endpoints: [
        {
          name: "GET contact",
          routeId: "contacts.get",
          replayable: true,
          input: (i) => ({ params: { orgId, contactId: contactAt(i) } }),
        },
        {
          // What any handler on the chosen libraries pays for GET contact: verify the token (aws-jwt-verify, keys
          // cached), parse the path with zod, read with ElectroDB. No middleware, authorization or response shaping.
          name: "  floor: libraries only",
          replayable: true,
          run: await libraryFloorOfGetContact(idp, token),
          input: (i) => ({ orgId, contactId: contactAt(i) }),
        },
        {
          name: "GET contacts?limit=25",
          routeId: "contacts.list",
          replayable: true,
          input: () => ({ params: { orgId }, query: { limit: "25" } }),
        },
        {
          name: "GET contacts?tag=rare",
          routeId: "contacts.list",
          replayable: true,
          input: () => ({ params: { orgId }, query: { tag: "rare", limit: "25" } }),
        },
        {
          name: "GET company",
          routeId: "companies.get",
          replayable: true,
          input: () => ({ params: { orgId, companyId: company.id } }),
        },
        {
          name: "GET deal",
          routeId: "deals.get",
          replayable: true,
          input: (i) => ({ params: { orgId, dealId: deals[Math.max(0, i) % deals.length] } }),
        },
        {
          name: "GET deals?limit=25",
          routeId: "deals.list",
          replayable: true,
          input: () => ({ params: { orgId }, query: { limit: "25" } }),
        },
        {
          name: "PATCH contact",
          routeId: "contacts.update",
          replayable: false,
          input: (i) => ({ params: { orgId, contactId: contactAt(i) }, body: { title: `W${i}` } }),
        },
        {
          name: "POST contacts",
          routeId: "contacts.create",
          replayable: false,
          input: (i) => ({
            params: { orgId },
            body: { firstName: "Warm", lastName: `P${i}`, emails: [`warm${i}.${Date.now()}@bench.example`] },
          }),
        },
      ],
    });
    printCostModel(figures, new Set(["PATCH contact", "POST contacts"]));
  }
  console.log(
    `memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );

  if (s3) {
    const { benchImportExport } = await import("./import-export");
    await benchImportExport({
      call,
      rows: importRows,
      s3,
      table: { name: "crm-bench", endpoint: dynamodb.endpoint },
    });
  }

  if (realtimeConnections > 0) {
    await benchRealtime({
      url: websocket.url,
      token,
      call,
      connections: realtimeConnections,
      writes: realtimeWrites,
      startStream: () =>
        startStreamReader({
          dynamodbEndpoint: dynamodb.endpoint,
          tableName: "crm-bench",
          subscription: tableStreamSubscription,
          pollIntervalMs: 20,
        }),
    });
  }

  if (searchContacts > 0) {
    const searchOrg = await call("orgs.create", { body: { name: "Search bench" } });
    const searchOrgId: string = searchOrg.id;
    console.log(`\nSearch: seeding ${searchContacts.toLocaleString("en")} contacts with their search terms ...`);
    const seeded = await seedContacts(searchOrgId, searchContacts);
    console.log(
      `seeded ${seeded.items.toLocaleString("en")} items in ${seeded.seconds.toFixed(0)} s ` +
        `(${(seeded.items / seeded.seconds).toFixed(0)} items/s)\n`,
    );

    // Every request the handlers send goes through the document client's send; counting there sees them all.
    const requests: string[] = [];
    const send = DynamoDBDocumentClient.prototype.send;
    DynamoDBDocumentClient.prototype.send = function (
      this: DynamoDBDocumentClient,
      command: { constructor: { name: string } },
      ...rest: unknown[]
    ) {
      requests.push(command.constructor.name.replace(/Command$/, ""));
      return (send as (...args: unknown[]) => unknown).call(this, command, ...rest);
    } as typeof send;

    const queries = searchQueriesFor(seeded.samples, searchQueries);
    const perSearch: string[][] = [];
    let found = 0;
    await measure(
      `GET search (${(searchContacts / 1000).toFixed(0)}k contacts)`,
      async (index) => {
        requests.length = 0;
        const q = queries[Math.max(0, index) % queries.length] ?? "a";
        const result = await call("search.query", { params: { orgId: searchOrgId }, query: { q } });
        if (index >= 0) {
          perSearch.push([...requests]);
          found += result.data.length;
        }
      },
      searchQueries,
    );
    DynamoDBDocumentClient.prototype.send = send;
    const tally = new Map<string, number>();
    for (const request of perSearch.flat()) tally.set(request, (tally.get(request) ?? 0) + 1);
    const counts = perSearch.map((requestsOfOne) => requestsOfOne.length);
    console.log(
      `DynamoDB requests per search: min ${Math.min(...counts)}, max ${Math.max(...counts)}, mean ` +
        `${(counts.reduce((sum, n) => sum + n, 0) / counts.length).toFixed(2)} ` +
        `(${[...tally].map(([name, n]) => `${name} ${(n / perSearch.length).toFixed(2)}`).join(", ")}; ` +
        "GetItem is the membership check, unless the container kept it; Updates are the rate-limit counters, flushed in the background)",
    );
    console.log(`results per search: mean ${(found / perSearch.length).toFixed(1)} (limit 20)`);
  }
} finally {
  await s3?.close();
  await bus?.close();
  await websocket?.close();
  await dynamodb.stop();
}

type Call = (routeId: RouteId, input: Record<string, unknown>) => Promise<{ id: string; createdAt: string }>;

/**
 * Real time: opens `connections` WebSocket clients through the local gateway (authorizer, `$connect`, `subscribe`
 * with the real handlers), subscribes them all to one organisation, then makes `writes` committed writes one after
 * another. Each write's clock starts when the write has committed; the fan-out handler is then invoked at once with
 * the write's domain event, standing in for the table stream and EventBridge, whose hop is not measured here.
 * The clients run in this process, beside the gateway and the handlers, so they share its event loop.
 */
async function benchRealtime(options: {
  url: string;
  token: string;
  call: Call;
  connections: number;
  writes: number;
  startStream: () => Promise<{ stop: () => Promise<void> }>;
}) {
  const { default: WebSocket } = await import("ws");
  const { busSubscriptions } = await import("@crm/core/declarations");
  const { newId } = await import("@crm/core/platform");
  const { anEventBridgeEvent } = await import("../support/events");
  const { orgId, connections, writes } = {
    ...options,
    orgId: (await options.call("orgs.create", { body: { name: "Realtime bench" } })).id,
  };
  type Arrivals = { times: number[]; done: () => void };
  const arrivals = new Map<string, Arrivals>();
  /** Through the stream, events are matched to writes by record: their ids are not known in advance. */
  const byRecord = new Map<string, number[]>();
  const sockets: InstanceType<typeof WebSocket>[] = [];

  console.log(
    `\nReal time: opening ${connections.toLocaleString("en")} WebSocket connections through the local gateway ...`,
  );
  const opening = performance.now();
  const openAndSubscribe = async () => {
    const socket = new WebSocket(`${options.url}?token=${options.token}`);
    const subscribed = new Promise<void>((resolve, reject) => {
      socket.on("message", (data: Buffer) => {
        const at = performance.now();
        const message = JSON.parse(data.toString("utf8"));
        if (message.type === "event") {
          const times = byRecord.get(message.event.record.id) ?? [];
          times.push(at);
          byRecord.set(message.event.record.id, times);
          const arrival = arrivals.get(message.event.id);
          arrival?.times.push(at);
          if (arrival?.times.length === connections) arrival.done();
        } else if (message.type === "subscribed") resolve();
        else reject(new Error(`subscribe failed: ${data.toString("utf8")}`));
      });
      socket.once("error", reject);
    });
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ action: "subscribe", orgId }));
    await subscribed;
    sockets.push(socket);
  };
  for (let opened = 0; opened < connections; opened += 50) {
    await Promise.all(Array.from({ length: Math.min(50, connections - opened) }, openAndSubscribe));
  }
  console.log(
    `${connections.toLocaleString("en")} connected and subscribed in ${((performance.now() - opening) / 1000).toFixed(1)} s`,
  );

  const { measurePostFloor } = await import("./post-floor");
  const floor = await measurePostFloor(
    new TextEncoder().encode(
      JSON.stringify({ type: "event", event: { id: newId("audit"), padding: "x".repeat(600) } }),
    ),
  );
  console.log(
    `one post's CPU, server included: ${floor.sdkMicros.toFixed(0)} µs through the management API's SDK client, ` +
      `${floor.rawMicros.toFixed(0)} µs through bare node:http; ${connections.toLocaleString("en")} posts need at least ` +
      `${((floor.sdkMicros * connections) / 1000).toFixed(0)} ms of one core through the SDK`,
  );

  const fanOut = await importHandler(busSubscriptions.realtime.handler);
  const perConnection: number[] = [];
  const toLastDelivery: number[] = [];
  const fanOutDurations: number[] = [];
  let missing = 0;
  for (let index = 0; index < writes; index++) {
    const body = {
      firstName: `Live${index}`,
      lastName: "Bench",
      emails: [`live${index}@realtime.example`],
      tags: ["bench"],
    };
    const contact = await options.call("contacts.create", { params: { orgId }, body });
    const committedAt = performance.now();
    // The event the stream subscriber would publish for this write (same shape and size).
    const event = {
      schemaVersion: 1 as const,
      id: newId("audit"),
      type: "contact.created" as const,
      orgId,
      actor: { memberId: "mem_bench" },
      record: { type: "contact" as const, id: contact.id },
      changes: Object.entries(body).map(([field, after]) => ({ field, before: null, after })),
      occurredAt: contact.createdAt,
      requestId: randomBytes(16).toString("hex"),
    };
    const arrival: Arrivals = { times: [], done: () => undefined };
    const delivered = new Promise<void>((resolve) => {
      arrival.done = resolve;
    });
    arrivals.set(event.id, arrival);
    await fanOut(anEventBridgeEvent(event) as never, lambdaContext("realtime-fanout"));
    fanOutDurations.push(performance.now() - committedAt);
    await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    missing += connections - arrival.times.length;
    perConnection.push(...arrival.times.map((at) => at - committedAt));
    toLastDelivery.push(Math.max(...arrival.times) - committedAt);
    arrivals.delete(event.id);
  }

  console.log(
    `${writes} committed writes to ${connections.toLocaleString("en")} subscribers; the clock starts at each write's ` +
      "commit and the fan-out is called right away with its event (table stream → EventBridge not included)",
  );
  report("delivery, per connection", perConnection);
  report("delivery to the last connection", toLastDelivery);
  report("fan-out invocation (its own shard)", fanOutDurations);
  if (missing > 0) console.log(`MISSING: ${missing} deliveries did not arrive within 30 s`);

  // The whole path: the write's audit entry goes through the stream reader (polling every 20 ms, as Lambda's
  // event source mapping polls a shard about four times a second), the stream subscriber, the local EventBridge
  // and the fan-out it invokes.
  const stream = await options.startStream();
  const endToEnd: number[] = [];
  const endToEndLast: number[] = [];
  let endToEndMissing = 0;
  try {
    for (let index = 0; index < writes; index++) {
      const contact = await options.call("contacts.create", {
        params: { orgId },
        body: { firstName: `Stream${index}`, lastName: "Bench", emails: [`stream${index}@realtime.example`] },
      });
      const committedAt = performance.now();
      const deadline = committedAt + 30_000;
      while ((byRecord.get(contact.id)?.length ?? 0) < connections && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const times = byRecord.get(contact.id) ?? [];
      endToEndMissing += connections - times.length;
      endToEnd.push(...times.map((at) => at - committedAt));
      if (times.length > 0) endToEndLast.push(Math.max(...times) - committedAt);
    }
  } finally {
    await stream.stop();
  }
  console.log(`\n${writes} committed writes through table stream → EventBridge → fan-out → WebSocket`);
  report("delivery, per connection", endToEnd);
  report("delivery to the last connection", endToEndLast);
  if (endToEndMissing > 0) console.log(`MISSING: ${endToEndMissing} deliveries did not arrive within 30 s`);
  console.log(
    `memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB with ${connections} connections open`,
  );
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => {
          socket.once("close", resolve);
          socket.close();
        }),
    ),
  );
}

/** A GET of one contact made with the chosen libraries alone (see the warm path's floor row). */
async function libraryFloorOfGetContact(
  idp: { issuer: string; audience: string; jwks: { keys: unknown[] } },
  token: string,
) {
  const { JwtRsaVerifier } = await import("aws-jwt-verify");
  const { z } = await import("zod");
  const { tableEntities } = await import("@crm/core/composition");
  const verifier = JwtRsaVerifier.create({
    issuer: idp.issuer,
    audience: idp.audience,
    jwksUri: `${idp.issuer}/.well-known/jwks.json`,
  });
  verifier.cacheJwks(idp.jwks as never);
  const path = z.object({ orgId: z.string().startsWith("org_"), contactId: z.string().startsWith("con_") });
  return async (input: Record<string, unknown>) => {
    await verifier.verify(token);
    const key = path.parse(input);
    return (await tableEntities.contact.get(key).go({ consistent: true })).data;
  };
}

function report(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
  console.log(
    `${name.padEnd(34)} p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   (n=${sorted.length.toLocaleString("en")})`,
  );
}

type SeededContact = { firstName: string; lastName: string; email: string; phone: string };

/**
 * Writes contacts and their search terms with BatchWriteItem through ElectroDB (25 items a request, several requests
 * at once), built by the same functions the services use, so the items are exactly what the API would store.
 * Email sentinels and audit entries are left out: search never reads them.
 */
async function seedContacts(orgId: string, total: number) {
  const { tableEntities } = await import("@crm/core/composition");
  const { noCompany } = await import("@crm/core/company");
  const { memberIdFor, newId, sortKeyOf } = await import("@crm/core/platform");
  const { searchDocumentOfContact, searchTermItems } = await import("@crm/core/search");
  const ownerId = memberIdFor(orgId, "bench@example.com");
  const random = seededRandom(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const started = performance.now();
  const samples: SeededContact[] = [];
  let items = 0;
  const chunkSize = 1_000;
  for (let first = 0; first < total; first += chunkSize) {
    const contacts = [];
    const terms = [];
    for (let index = first; index < Math.min(total, first + chunkSize); index++) {
      const firstName = pick(firstNames);
      const lastName = `${pick(syllables)}${pick(syllables)}${pick(syllables)}`.replace(/^./, (c) => c.toUpperCase());
      const email = `${firstName}.${lastName}${index}@${pick(syllables)}${pick(syllables)}.example`.toLowerCase();
      const phone = `+44 20 ${String(Math.floor(random() * 1e8)).padStart(8, "0")}`;
      const at = new Date().toISOString();
      const contact = {
        orgId,
        contactId: newId("contact"),
        firstName,
        lastName,
        emails: [email],
        phones: [phone],
        ownerId,
        companyKey: noCompany,
        tags: [],
        sortName: sortKeyOf(lastName, firstName),
        version: 1,
        createdBy: ownerId,
        createdAt: at,
        updatedAt: at,
      };
      contacts.push(contact);
      terms.push(
        ...searchTermItems(
          orgId,
          { recordType: "contact", recordId: contact.contactId },
          searchDocumentOfContact(contact),
        ),
      );
      if (index % 97 === 0) samples.push({ firstName, lastName, email, phone });
    }
    const written = await Promise.all([
      tableEntities.contact.put(contacts).go({ concurrent: 8 }),
      tableEntities.searchTerm.put(terms).go({ concurrent: 8 }),
    ]);
    if (written.some(({ unprocessed }) => unprocessed.length > 0))
      throw new Error("DynamoDB Local left items unwritten.");
    items += contacts.length + terms.length;
    if ((first + chunkSize) % 20_000 === 0)
      console.log(`  ${(first + chunkSize).toLocaleString("en")} contacts written`);
  }
  return { items, seconds: (performance.now() - started) / 1000, samples };
}

/** Queries as people type them: name starts, whole names, "first last" starts, email starts, domains, phone digits. */
function searchQueriesFor(samples: SeededContact[], count: number): string[] {
  const kinds = [
    (c: SeededContact) => c.firstName.slice(0, 2),
    (c: SeededContact) => c.firstName,
    (c: SeededContact) => c.lastName.slice(0, 4),
    (c: SeededContact) => c.lastName,
    (c: SeededContact) => `${c.firstName} ${c.lastName.slice(0, 3)}`,
    (c: SeededContact) => c.email.slice(0, c.email.indexOf(".") + 3),
    (c: SeededContact) => c.email.slice(c.email.indexOf("@") + 1),
    (c: SeededContact) => c.phone.slice(0, 10),
  ];
  return Array.from({ length: count }, (_, index) => {
    const sample = samples[(index * 7919) % samples.length] as SeededContact;
    return (kinds[index % kinds.length] as (c: SeededContact) => string)(sample);
  });
}

/** A small deterministic generator (mulberry32), so every run seeds the same organisation. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
