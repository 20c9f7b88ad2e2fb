import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loopbackWebhooksSwitch, startLocalCloud } from "../cloud";
import { recordRunningCloud } from "../cloud/running-cloud";
import { localIdentityDefaults } from "../identity";
import { seedDemoData } from "../seed";
import { assertLambdaNodeMajor, repositoryRoot } from "./repository";

assertLambdaNodeMajor();

const usage = `Usage: npm start [-- --in-memory] [-- --no-seed]

Starts the local cloud on 127.0.0.1: DynamoDB Local, the local identity provider and the API gateway.
  --in-memory   keep DynamoDB's data and the files' objects in memory (gone at exit) instead of under .data/
  --no-seed     do not create the demo organisation on first start
Environment: PORT (gateway, default 3000), DYNAMODB_PORT (default 8000), BUS_PORT (local EventBridge, default
any free port), LOG_LEVEL (default WARN),
WEBSOCKET_PORT (the real-time WebSocket API, default 3001), GOOGLE_PORT (the fake Google, default 3002),
INTUIT_PORT (the fake QuickBooks Online, default 3003), XERO_PORT (the fake Xero, default 3004),
S3_PORT (the S3 stand-in holding the files, default 3005),
METRICS_FILE (where the functions' metrics go, default .data/metrics.ndjson; npm run metrics reads it),
WEBHOOKS_ALLOW_LOOPBACK (default true: webhooks may go
to plain http on 127.0.0.1; false runs the SSRF guard as in AWS).`;

const { values } = parseArgs({
  options: {
    "in-memory": { type: "boolean", default: false },
    "no-seed": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const defaults = localIdentityDefaults();
const cloud = await startLocalCloud({
  dataDirectory: join(repositoryRoot, ".data"),
  port: defaults.port,
  dynamodbPort: Number(process.env.DYNAMODB_PORT ?? 8000),
  inMemory: values["in-memory"],
  issuer: defaults.issuer,
  audience: defaults.audience,
  logLevel: process.env.LOG_LEVEL ?? "WARN",
  busPort: Number(process.env.BUS_PORT ?? 0),
  websocketPort: Number(process.env.WEBSOCKET_PORT ?? 3001),
  allowLoopbackWebhooks: loopbackWebhooksSwitch(process.env.WEBHOOKS_ALLOW_LOOPBACK),
  googlePort: Number(process.env.GOOGLE_PORT ?? 3002),
  intuitPort: Number(process.env.INTUIT_PORT ?? 3003),
  xeroPort: Number(process.env.XERO_PORT ?? 3004),
  s3Port: Number(process.env.S3_PORT ?? 3005),
  ...(process.env.METRICS_FILE ? { metricsFile: resolve(process.env.METRICS_FILE) } : {}),
});

// The token and job commands find this cloud by it, whatever port it was started on.
const record = recordRunningCloud(join(repositoryRoot, ".data"), {
  pid: process.pid,
  url: cloud.url,
  port: defaults.port,
  issuer: cloud.identityProvider.issuer,
  audience: defaults.audience,
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local cloud...`);
  record.forget();
  await cloud.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

const seed = values["no-seed"] ? null : await seedDemoData();
const token = seed
  ? cloud.identityProvider.signAccessToken({ email: seed.people.admin.email, name: seed.people.admin.name })
  : null;

console.log(`
  CRM API, local cloud
  ─────────────────────
  API           ${cloud.url}            (reference: ${cloud.url}/docs, OpenAPI: ${cloud.url}/openapi.json)
  DynamoDB      ${cloud.dynamodbEndpoint}  table ${cloud.tableName}${values["in-memory"] ? " (in memory)" : " (data in .data/dynamodb)"}
  Identity      ${cloud.identityProvider.issuer}  (JWKS: ${cloud.identityProvider.issuer}/.well-known/jwks.json)
  Real time     ${cloud.websocketUrl}?token=<token>  (WebSocket; @connections API on the same port)
  EventBridge   ${cloud.busEndpoint}  (dead letters: ${cloud.busEndpoint}/dead-letters; the table stream feeds it)
  Fake Google   ${cloud.google.url}  (OAuth consent page, Gmail, Calendar, Pub/Sub push to this API)
  Fake Intuit   ${cloud.intuit.url}  (QuickBooks Online: connect page, accounting API; books at /app/books)
  Fake Xero     ${cloud.xero.url}  (identity, connections, accounting API)
  KMS           ${cloud.kms.endpoint}  (the token vault's data keys)
  S3            ${cloud.s3.endpoint}  (the files' bucket${values["in-memory"] ? ", in memory" : ", objects in .data/s3"}; checks signatures and upload policies)
  Jobs          npm run job -- <name>  (e.g. integrationSync; npm run job -- --help lists them)
  Metrics       ${cloud.metricsFile}  (npm run metrics: p50/p95/p99 per route)
`);
if (seed) {
  console.log(`  Demo organisation ${seed.orgId}${seed.seeded ? " (just seeded)" : ""}
    admin   ${seed.people.admin.email}
    member  ${seed.people.member.email}
    viewer  ${seed.people.viewer.email}
  Tokens: npm run token -- --email ${seed.people.member.email}

  Try it:
    curl -s "${cloud.url}/v1/orgs/${seed.orgId}/contacts?limit=5" -H "Authorization: Bearer ${token}"
  Connect the fake Google account of ${seed.people.admin.email} (their demo mailbox and calendar):
    curl -s -X POST "${cloud.url}/v1/orgs/${seed.orgId}/integrations/google-gmail/connect" -H "Authorization: Bearer ${token}"
    then open the authorizationUrl in a browser, pick ${seed.people.admin.email} and Allow.
  Connect the demo books (invoices and balances on the demo companies; README: "Try the books locally"):
    curl -s -X POST "${cloud.url}/v1/orgs/${seed.orgId}/integrations/quickbooks/connect" -H "Authorization: Bearer ${token}"
    curl -s -X POST "${cloud.url}/v1/orgs/${seed.orgId}/integrations/xero/connect" -H "Authorization: Bearer ${token}"
  Watch the organisation's changes live (Node's own WebSocket client):
    npx node -e 'const ws = new WebSocket("${cloud.websocketUrl}?token=${token}"); ws.onopen = () => ws.send(JSON.stringify({ action: "subscribe", orgId: "${seed.orgId}" })); ws.onmessage = (m) => console.log(m.data)'
`);
} else {
  console.log(
    `  Get a token: npm run token -- --email you@example.com, then POST ${cloud.url}/v1/orgs to create an organisation.\n`,
  );
}
console.log("  Ctrl-C stops everything.");
