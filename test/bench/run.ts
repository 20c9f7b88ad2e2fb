/**
 * `npm run bench`: handler latency against DynamoDB Local, through real payload-2.0 events, reported as medians and
 * percentiles (this machine is shared and noisy; compare ratios between runs, not absolute numbers).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RouteId } from "@crm/core/declarations";
import { routes } from "../../packages/core/src/declarations";
import { handlerEnvironment } from "../../packages/local/src/cloud/handler-environment";
import { localAwsClientConfig, provisionTable, startDynamoDbLocal } from "../../packages/local/src/dynamodb";
import { importHandler, lambdaContext } from "../../packages/local/src/gateway";
import { loadOrCreateIdentityProvider } from "../../packages/local/src/identity";

const iterations = Number(process.env.BENCH_ITERATIONS ?? 200);

const dynamodb = await startDynamoDbLocal();
try {
  const client = new DynamoDBClient(localAwsClientConfig(dynamodb.endpoint));
  await provisionTable(client, "crm-bench");
  client.destroy();
  const idp = await loadOrCreateIdentityProvider({
    dataDirectory: mkdtempSync(join(tmpdir(), "crm-bench-")),
    issuer: "http://127.0.0.1/local-idp",
    audience: "crm-bench",
  });
  Object.assign(
    process.env,
    handlerEnvironment({
      tableName: "crm-bench",
      dynamodbEndpoint: dynamodb.endpoint,
      auth: { issuer: idp.issuer, audience: idp.audience, jwks: idp.jwks },
      cursorSigningKey: randomBytes(32).toString("base64url"),
      logLevel: "SILENT",
    }),
  );
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
  const measure = async (name: string, run: (index: number) => Promise<unknown>) => {
    await run(-1); // warm the module and the connection
    const samples: number[] = [];
    for (let index = 0; index < iterations; index++) {
      const started = performance.now();
      await run(index);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]?.toFixed(2);
    console.log(`${name.padEnd(34)} p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   (n=${iterations})`);
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
  console.log(
    `memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  await dynamodb.stop();
}
