import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  busSubscriptions,
  domainEventFailuresQueueName,
  schedules,
  tableStreamSubscription,
} from "@crm/core/declarations";
import { localAwsClientConfig, provisionTable, startDynamoDbLocal } from "../dynamodb";
import { startLocalBus, startLocalQueue, startLocalScheduler, startStreamReader } from "../events";
import { startHttpGateway } from "../gateway";
import { type FakeGoogle, googleSettingsFor, startFakeGoogle } from "../google";
import { loadOrCreateIdentityProvider } from "../identity";
import { type FakeIntuit, intuitEndpointsFor, startFakeIntuit } from "../intuit";
import { type LocalKms, startLocalKms } from "../kms";
import { deliverBucketNotifications, type LocalS3, startLocalS3 } from "../s3";
import { startWebSocketGateway } from "../websocket";
import { type FakeXero, startFakeXero, xeroEndpointsFor } from "../xero";
import { handlerEnvironment } from "./handler-environment";

export type LocalCloudOptions = {
  /** Where keys and (unless inMemory) DynamoDB Local's files live. */
  dataDirectory: string;
  port: number;
  host?: string;
  dynamodbPort?: number;
  inMemory?: boolean;
  issuer: string;
  audience: string;
  tableName?: string;
  logLevel?: string;
  /** The WebSocket gateway's port (0 picks a free one). */
  websocketPort?: number;
  /** The local EventBridge's port (0 picks a free one). */
  busPort?: number;
  /** Webhooks may go to plain http on loopback addresses, where local receivers listen (default true). */
  allowLoopbackWebhooks?: boolean;
  /** The fake Google's port (0 picks a free one); its consent page is opened in a browser, so `npm start` fixes it. */
  googlePort?: number;
  /** The fake Intuit's and the fake Xero's ports, likewise. */
  intuitPort?: number;
  xeroPort?: number;
  /** The S3 stand-in's port (0 picks a free one); presigned uploads and downloads go to it from a browser. */
  s3Port?: number;
  /** Where the functions' metrics (EMF records) are appended; `metrics.ndjson` in the data directory by default. */
  metricsFile?: string;
};

/** The files' bucket on the S3 stand-in. */
const localFilesBucket = "crm-local-files";

/** The OAuth client the local cloud registers with its fake Google, and the push subscription's identity. */
const localGoogleClientId = "crm-local.apps.googleusercontent.com";
const localPush = {
  topic: "projects/crm-local/topics/gmail",
  serviceAccount: "gmail-push@crm-local.iam.gserviceaccount.com",
};
const tokenVaultAlias = "alias/crm-token-vault";

/**
 * `WEBHOOKS_ALLOW_LOOPBACK` for `npm start`: on unless `false`, so local receivers work out of the box and the SSRF
 * guard can still be run exactly as in AWS. Anything but `true` or `false` is a mistake worth stopping for.
 */
export function loopbackWebhooksSwitch(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true") return true;
  if (value === "false") return false;
  throw new Error(`WEBHOOKS_ALLOW_LOOPBACK must be true or false, not "${value}".`);
}

export type LocalCloud = {
  url: string;
  /** The real-time WebSocket API: connect to `${websocketUrl}?token=…`. */
  websocketUrl: string;
  dynamodbEndpoint: string;
  /** The local EventBridge: PutEvents endpoint, and `GET /dead-letters`. */
  busEndpoint: string;
  /** The SQS stand-in's queue of table-stream records that never became events. */
  domainEventFailuresQueueUrl: string;
  tableName: string;
  identityProvider: Awaited<ReturnType<typeof loadOrCreateIdentityProvider>>;
  /** The fake Google (OAuth consent page, Gmail, Calendar, Pub/Sub push), seeded with the demo people's data. */
  google: FakeGoogle;
  /** The fake Intuit (QuickBooks Online) and the fake Xero, seeded with the demo companies' books. */
  intuit: FakeIntuit;
  xero: FakeXero;
  /** The KMS stand-in behind the token vault. */
  kms: LocalKms;
  /** The S3 stand-in holding the files' bucket (in memory: objects are gone when the cloud stops). */
  s3: LocalS3;
  /** The file the functions append their metrics to, which `npm run metrics` summarises. */
  metricsFile: string;
  /** Runs a declared job now, as `npm run job -- <name>` does through `POST /local/jobs/<name>`. */
  runJob: (name: string) => Promise<unknown>;
  stop: () => Promise<void>;
};

/** A random secret created on first use and kept in the data directory, so cursors survive restarts. */
async function loadOrCreateSecret(dataDirectory: string, name: string): Promise<string> {
  const file = join(dataDirectory, `${name}.secret`);
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/**
 * `POST /local/jobs/<name>` runs a declared job now and answers its summary: what `npm run job -- <name>` calls.
 * Local only: API Gateway has no such route.
 */
function jobRoute(scheduler: () => { runNow: (name: string) => Promise<unknown> } | undefined) {
  return {
    pathPrefix: "/local/jobs/",
    handle: async (request: IncomingMessage, response: ServerResponse) => {
      const name = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname.slice(12));
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.method !== "POST") return answer(405, { error: "POST to run a job." });
      if (!Object.hasOwn(schedules, name)) {
        return answer(404, { error: `No job named ${name}.`, jobs: Object.keys(schedules) });
      }
      const jobs = scheduler();
      if (!jobs) return answer(503, { error: "The scheduler is not running yet." });
      try {
        return answer(200, { job: name, summary: (await jobs.runNow(name)) ?? null });
      } catch (error) {
        return answer(500, { job: name, error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}

/**
 * Starts the whole system on this machine: DynamoDB Local with the declared table, the local identity provider,
 * the HTTP gateway serving every route of the route table and the WebSocket gateway serving the real-time API, both
 * with the real handler modules. `stop()` stops all
 * of it; DynamoDB Local is also stopped if this process dies.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  await mkdir(options.dataDirectory, { recursive: true });
  const tableName = options.tableName ?? "crm-local";
  const dynamodb = await startDynamoDbLocal({
    port: options.dynamodbPort ?? 0,
    ...(options.inMemory ? {} : { dataDirectory: join(options.dataDirectory, "dynamodb") }),
  });
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const client = new DynamoDBClient(localAwsClientConfig(dynamodb.endpoint));
    await provisionTable(client, tableName);
    client.destroy();

    const identityProvider = await loadOrCreateIdentityProvider({
      dataDirectory: options.dataDirectory,
      issuer: options.issuer,
      audience: options.audience,
    });
    // Before the handler environment: the functions that push are linked to it (`Resource.Realtime`).
    const websocket = await startWebSocketGateway({
      host: options.host ?? "127.0.0.1",
      port: options.websocketPort ?? 0,
    });
    stoppers.push(() => websocket.close());
    const bus = await startLocalBus({
      busName: "crm-local-bus",
      subscriptions: busSubscriptions,
      port: options.busPort ?? 0,
      log: (message) => console.warn(message),
    });
    stoppers.push(() => bus.close());
    const domainEventFailures = await startLocalQueue({ queueName: domainEventFailuresQueueName });
    stoppers.push(() => domainEventFailures.close());
    const kms = await startLocalKms({
      aliases: [tokenVaultAlias],
      ...(options.inMemory ? {} : { dataDirectory: options.dataDirectory }),
    });
    stoppers.push(() => kms.close());
    // Signed with the handlers' dummy credentials (handlerEnvironment), checked as S3 checks them.
    const s3 = await startLocalS3({
      port: options.s3Port ?? 0,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      region: "us-east-1",
      buckets: [localFilesBucket],
      ...(options.inMemory ? {} : { dataDirectory: join(options.dataDirectory, "s3") }),
      cors: { allowedOrigins: ["*"], allowedMethods: ["GET", "POST"], exposeHeaders: ["ETag"] },
    });
    stoppers.push(() => s3.close());
    // As S3 invokes the upload check in AWS; stopped before the stand-in, waiting for checks in flight.
    stoppers.push(
      deliverBucketNotifications(s3, {
        onFailure: (error) => console.warn(`[s3] upload check failed: ${String(error)}`),
      }),
    );
    // The gateway first: OAuth callbacks and Gmail pushes come back to its URL. Handlers read their configuration
    // on their first request, after the environment below is set.
    let scheduler: ReturnType<typeof startLocalScheduler> | undefined;
    const gateway = await startHttpGateway({
      host: options.host ?? "127.0.0.1",
      port: options.port,
      extraRoutes: [...identityProvider.routes, jobRoute(() => scheduler)],
    });
    stoppers.push(() => gateway.close());
    const googleClient = {
      clientId: localGoogleClientId,
      clientSecret: await loadOrCreateSecret(options.dataDirectory, "google-client-secret"),
    };
    const google = await startFakeGoogle({
      host: options.host ?? "127.0.0.1",
      port: options.googlePort ?? 0,
      clients: [
        {
          ...googleClient,
          redirectUris: ["google-gmail", "google-calendar"].map(
            (provider) => `${gateway.url}/v1/integrations/${provider}/callback`,
          ),
        },
      ],
      pushServiceAccount: localPush.serviceAccount,
      pushEndpoints: [{ url: `${gateway.url}/v1/integrations/google-gmail/push`, topic: localPush.topic }],
    });
    stoppers.push(() => google.close());
    const accountingClient = async (name: string, provider: string) => ({
      clientId: `crm-local-${name}`,
      clientSecret: await loadOrCreateSecret(options.dataDirectory, `${name}-client-secret`),
      redirectUris: [`${gateway.url}/v1/integrations/${provider}/callback`],
    });
    const intuitClient = await accountingClient("intuit", "quickbooks");
    const intuitVerifierToken = await loadOrCreateSecret(options.dataDirectory, "intuit-webhook-verifier-token");
    const intuit = await startFakeIntuit({
      host: options.host ?? "127.0.0.1",
      port: options.intuitPort ?? 0,
      clients: [intuitClient],
      rotation: { afterMs: 24 * 3_600_000 },
      webhooks: {
        endpoints: [`${gateway.url}/v1/integrations/quickbooks/webhooks`],
        verifierToken: intuitVerifierToken,
      },
    });
    stoppers.push(() => intuit.close());
    const metricsFile = options.metricsFile ?? join(options.dataDirectory, "metrics.ndjson");
    const xeroClient = await accountingClient("xero", "xero");
    const xeroWebhookKey = await loadOrCreateSecret(options.dataDirectory, "xero-webhook-key");
    const xero = await startFakeXero({
      host: options.host ?? "127.0.0.1",
      port: options.xeroPort ?? 0,
      clients: [xeroClient],
      // Registered after the handlers are linked (below): Xero checks the receiver before it sends any event.
      webhooks: { endpoints: [], webhookKey: xeroWebhookKey },
    });
    stoppers.push(() => xero.close());
    Object.assign(
      process.env,
      handlerEnvironment({
        tableName,
        dynamodbEndpoint: dynamodb.endpoint,
        auth: { issuer: identityProvider.issuer, audience: identityProvider.audience, jwks: identityProvider.jwks },
        cursorSigningKey: await loadOrCreateSecret(options.dataDirectory, "cursor-signing-key"),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
        bus: { name: "crm-local-bus", endpoint: bus.endpoint },
        domainEventFailuresQueueUrl: domainEventFailures.url,
        allowLoopbackWebhooks: options.allowLoopbackWebhooks ?? true,
        metricsFile,
        realtime: { url: websocket.url, managementEndpoint: websocket.managementEndpoint },
        tokenVault: { keyArn: kms.keyArn(tokenVaultAlias), kmsEndpoint: kms.endpoint },
        files: { bucketName: localFilesBucket, s3Endpoint: s3.endpoint },
        integrations: {
          publicApiUrl: `${gateway.url}/`,
          stateSigningKey: await loadOrCreateSecret(options.dataDirectory, "oauth-state-signing-key"),
        },
        google: googleSettingsFor(google.url, googleClient, localPush),
        intuit: {
          clientId: intuitClient.clientId,
          clientSecret: intuitClient.clientSecret,
          ...intuitEndpointsFor(intuit.url),
          webhookVerifierToken: intuitVerifierToken,
        },
        xero: {
          clientId: xeroClient.clientId,
          clientSecret: xeroClient.clientSecret,
          ...xeroEndpointsFor(xero.url),
          webhookKey: xeroWebhookKey,
        },
      }),
    );
    // Like Lambda's event source mapping on the table stream; the position survives restarts with the data.
    const streamReader = await startStreamReader({
      dynamodbEndpoint: dynamodb.endpoint,
      tableName,
      subscription: tableStreamSubscription,
      failureQueueUrl: domainEventFailures.url,
      ...(options.inMemory ? {} : { checkpointFile: join(options.dataDirectory, "stream-checkpoint.json") }),
      log: (message) => console.warn(message),
    });
    stoppers.push(() => streamReader.stop());
    // Not awaited: the check calls the gateway, whose handlers are linked now; its outcome is the fake's to keep.
    void xero.webhooks.register(`${gateway.url}/v1/integrations/xero/webhooks`).catch(() => undefined);
    const jobs = startLocalScheduler({ schedules, log: (message) => console.warn(message) });
    scheduler = jobs;
    stoppers.push(() => jobs.stop());
    return {
      url: gateway.url,
      websocketUrl: websocket.url,
      busEndpoint: bus.endpoint,
      domainEventFailuresQueueUrl: domainEventFailures.url,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName,
      identityProvider,
      google,
      intuit,
      xero,
      kms,
      s3,
      metricsFile,
      runJob: (name) => jobs.runNow(name),
      stop: async () => {
        for (const stop of stoppers.reverse()) await stop();
        await dynamodb.stop();
      },
    };
  } catch (error) {
    for (const stop of stoppers.reverse()) await stop();
    await dynamodb.stop();
    throw error;
  }
}
