import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  bucketSubscriptions,
  busDeadLettersQueueName,
  busName,
  busSubscriberRetries,
  busSubscriptions,
  fallbackRoute,
  filesBucketName,
  googleSettingsName,
  integrationSettingsName,
  intuitSettingsName,
  oauthStateSigningKeyName,
  type RouteDeclaration,
  routes,
  schedules,
  tableDefinition,
  tableName,
  tableStreamSubscription,
  tokenVaultName,
  uploadCheckTag,
  websocketApiName,
  websocketAuthorizer,
  websocketRoutes,
  xeroSettingsName,
} from "@crm/core/declarations";
import { referencePageScriptFile } from "@crm/core/reference-page";
import { beforeAll, describe, expect, it } from "vitest";
import { installSstStandIns, type Recorded, recording } from "./sst-stand-ins";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const standIns = installSstStandIns();

type AppConfig = {
  app: (input: { stage: string }) => Record<string, unknown>;
  run: () => Promise<Record<string, unknown>>;
};

describe("the infrastructure (sst.config.ts and stacks/)", () => {
  let config: AppConfig;
  let outputs: Record<string, unknown>;
  const component = (kind: string) => recording.components.filter((c) => c.component === kind);

  beforeAll(async () => {
    config = (await import("../../sst.config")).default as unknown as AppConfig;
    outputs = await config.run();
  });

  it("retains and protects production data, and removes other stages", () => {
    expect(config.app({ stage: "production" })).toMatchObject({
      name: "crm",
      home: "aws",
      removal: "retain",
      protect: true,
    });
    expect(config.app({ stage: "pr-42" })).toMatchObject({ removal: "remove", protect: false });
  });

  it("creates the table exactly as declared in packages/core, with point-in-time recovery", () => {
    const [table, ...others] = component("sst.aws.Dynamo");
    expect(others).toEqual([]);
    expect(table?.name).toBe(tableName);
    expect(table?.args).toMatchObject({
      fields: tableDefinition.fields,
      primaryIndex: tableDefinition.primaryIndex,
      globalIndexes: tableDefinition.globalIndexes,
      ttl: tableDefinition.ttl,
      stream: tableDefinition.stream,
      transform: { table: { pointInTimeRecovery: { enabled: true } } },
    });
  });

  it("registers every route of the route table once, with its handler, and the fallback as $default", () => {
    const registered = recording.routes.map((route) => [
      route.rawRoute,
      (route.handler as { handler?: string }).handler ?? route.handler,
    ]);
    const declared = (Object.values(routes) as RouteDeclaration[]).map((route) => [
      `${route.method} ${route.path}`,
      route.handler,
    ]);
    expect(registered.sort()).toEqual([...declared, ["$default", fallbackRoute.handler]].sort());
  });

  it("gives every route a stable, unique logical name", () => {
    const names = recording.routes.map((route) => route.args?.name);
    expect(names.every((name) => typeof name === "string" && /^[A-Za-z0-9]+$/.test(name))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it("finds every handler file on disk, exporting `handler`", () => {
    for (const handler of [...Object.values(routes).map((route) => route.handler), fallbackRoute.handler]) {
      const file = `${repositoryRoot}${handler.replace(/\.handler$/, "")}.ts`;
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, "utf8"), file).toMatch(/export const handler\b/);
    }
  });

  it("ships the files a route's handler reads in its package, at the path it reads them from, and no others", () => {
    for (const route of Object.values(routes) as RouteDeclaration[]) {
      const registered = recording.routes.find((r) => r.rawRoute === `${route.method} ${route.path}`);
      const handler = registered?.handler as { copyFiles?: { from: string; to?: string }[] };
      expect(handler.copyFiles, route.path).toEqual(route.files?.map((from) => ({ from })));
      for (const from of route.files ?? []) expect(existsSync(`${repositoryRoot}${from}`), from).toBe(true);
    }
    expect(routes["docs.script"].files).toEqual([referencePageScriptFile]);
  });

  it("links the table, the token settings and the cursor key to every non-public route, and to each route what it declares it uses", () => {
    const table = component("sst.aws.Dynamo")[0];
    const integrationLinks = [
      tokenVaultName,
      oauthStateSigningKeyName,
      integrationSettingsName,
      googleSettingsName,
      intuitSettingsName,
      xeroSettingsName,
    ];
    for (const [routeId, route] of Object.entries(routes) as [string, RouteDeclaration][]) {
      const registered = recording.routes.find((r) => r.rawRoute === `${route.method} ${route.path}`);
      const links = ((registered?.handler as { link?: unknown[] } | undefined)?.link ?? []) as { name?: string }[];
      const linkedNames = links.map((link) => (link as unknown as Recorded).name).sort();
      const uses: readonly string[] = route.uses ?? [];
      const expected = [
        ...(route.access === "public" ? [] : ["Auth", "CursorSigningKey", table?.name]),
        ...(route.access === "public" && uses.includes("table") ? [table?.name] : []),
        ...(uses.includes("integrations") ? integrationLinks : uses.includes("vault") ? [tokenVaultName] : []),
        ...(uses.includes("bus") ? [busName] : []),
        ...(uses.includes("files") ? [filesBucketName] : []),
      ];
      expect(linkedNames, routeId).toEqual(expected.sort());
    }
  });

  it("seals tokens with a rotating KMS key whose link grants only making and opening data keys", () => {
    const [key] = component("aws.kms.Key");
    expect(key?.args).toMatchObject({ enableKeyRotation: true });
    const vault = component("sst.Linkable").find((linkable) => linkable.name === tokenVaultName);
    expect(vault?.args).toMatchObject({
      properties: { keyArn: expect.stringContaining(":key/") },
      include: [{ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [expect.stringContaining(":key/")] }],
    });
  });

  it("verifies tokens against the Cognito user pool, whose users sign in with their email", () => {
    const [pool] = component("sst.aws.CognitoUserPool");
    expect(pool?.args).toMatchObject({ usernames: ["email"] });
    const [client] = component("sst.aws.CognitoUserPoolClient");
    const [auth] = component("sst.Linkable");
    expect(auth?.name).toBe("Auth");
    expect(auth?.args.properties).toEqual({
      issuer: `https://cognito-idp.eu-west-1.amazonaws.com/<${pool?.name}.id>`,
      audience: `<${client?.name}.id>`,
      jwksUri: `https://cognito-idp.eu-west-1.amazonaws.com/<${pool?.name}.id>/.well-known/jwks.json`,
    });
  });

  it("runs every function on nodejs24.x, the runtime the local cloud and the tests use", () => {
    const functionDefaults = recording.transforms.filter((t) => t.target === standIns.FunctionComponent);
    expect(functionDefaults).toHaveLength(1);
    const args: Record<string, unknown> = {};
    functionDefaults[0]?.transform(args);
    expect(args.runtime).toBe("nodejs24.x");
    expect(process.versions.node.split(".")[0]).toBe("24");
  });

  it("bundles every function with the esbuild plugins the bundle measurements use, from a file SST can find", async () => {
    const functionDefaults = recording.transforms.filter((t) => t.target === standIns.FunctionComponent);
    const args: Record<string, unknown> = {};
    functionDefaults[0]?.transform(args);
    const plugins = (args.nodejs as { plugins?: string } | undefined)?.plugins;
    expect(plugins).toBe("./stacks/esbuild-plugins.mjs");
    // SST resolves it from sst.config.ts's folder, the repository root.
    const loaded = await import(pathToFileURL(join(repositoryRoot, plugins ?? "")).href);
    expect(loaded.default.map((plugin: { name: string }) => plugin.name)).toEqual(["zod-english-only"]);
  });

  it("outputs the API URL and the user pool ids", () => {
    expect(outputs).toMatchObject({
      api: "<Api.url>",
      userPoolId: expect.any(String),
      userPoolClientId: expect.any(String),
      bus: busName,
    });
  });

  it("subscribes every declared bus subscriber with its own pattern (none without one) and an existing handler", () => {
    const [bus] = component("sst.aws.Bus");
    expect(bus?.name).toBe(busName);
    const registered = recording.subscriptions
      .filter((subscription) => subscription.to === busName)
      .map((subscription) => [(subscription.subscriber as { handler: string }).handler, subscription.args.pattern]);
    const declared = Object.values(busSubscriptions).map((subscription) => [
      subscription.handler,
      subscription.pattern,
    ]);
    expect(registered).toEqual(declared);
    for (const subscription of recording.subscriptions.filter((entry) => entry.to === busName)) {
      const links = ((subscription.subscriber as { link?: { name?: string }[] }).link ?? []).map((link) => link.name);
      // They publish (bus), read and write records (table) and push to WebSocket connections (Realtime).
      expect(links, subscription.name).toEqual(expect.arrayContaining([busName, tableName, "Realtime"]));
    }
    for (const [handler, pattern] of registered) {
      expect(pattern, String(handler)).toBeDefined();
      const file = `${repositoryRoot}${String(handler).replace(/\.handler$/, "")}.ts`;
      expect(existsSync(file), file).toBe(true);
    }
  });

  it("gives every bus subscriber retries and an on-failure destination: the dead-letter queue, which it may send to", () => {
    const queue = component("sst.aws.Queue").find((each) => each.name === busDeadLettersQueueName);
    expect(queue).toBeDefined();
    const subscribers = recording.subscriptions.filter((entry) => entry.to === busName);
    expect(subscribers.length).toBe(Object.keys(busSubscriptions).length);
    for (const subscription of subscribers) {
      const subscriber = subscription.subscriber as {
        link?: { name?: string }[];
        retries?: number;
        transform?: { eventInvokeConfig?: { destinationConfig?: { onFailure?: { destination?: string } } } };
      };
      expect(subscriber.retries, subscription.name).toBe(busSubscriberRetries);
      expect(
        subscriber.transform?.eventInvokeConfig?.destinationConfig?.onFailure?.destination,
        subscription.name,
      ).toBe(`<${busDeadLettersQueueName}.arn>`);
      expect(
        (subscriber.link ?? []).map((link) => link.name),
        subscription.name,
      ).toContain(busDeadLettersQueueName);
    }
  });

  it("turns the table stream into domain events with the declared filter, retries, bisection and a failure queue", () => {
    const [stream, ...others] = recording.subscriptions.filter((subscription) => subscription.to === tableName);
    expect(others).toEqual([]);
    expect((stream?.subscriber as { handler?: string } | undefined)?.handler).toBe(tableStreamSubscription.handler);
    expect(stream?.args.filters).toEqual(tableStreamSubscription.filters);
    expect(stream?.args.transform).toMatchObject({
      eventSourceMapping: {
        maximumRetryAttempts: tableStreamSubscription.maximumRetryAttempts,
        bisectBatchOnFunctionError: true,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: "<DomainEventFailures.arn>" } },
      },
    });
    const file = `${repositoryRoot}${tableStreamSubscription.handler.replace(/\.handler$/, "")}.ts`;
    expect(existsSync(file), file).toBe(true);
  });

  it("registers every declared WebSocket route once, with its handler, on the Realtime API", () => {
    const [api, ...others] = component("sst.aws.ApiGatewayWebSocket");
    expect(others).toEqual([]);
    expect(api?.name).toBe(websocketApiName);
    const registered = recording.websocketRoutes.map((route) => [
      route.api,
      route.rawRoute,
      (route.handler as { handler?: string }).handler ?? route.handler,
    ]);
    const declared = Object.entries(websocketRoutes).map(([routeKey, route]) => [
      websocketApiName,
      routeKey,
      route.handler,
    ]);
    expect(registered.sort()).toEqual(declared.sort());
    const names = recording.websocketRoutes.map((route) => route.args?.name);
    expect(names.every((name) => typeof name === "string" && /^[A-Za-z0-9]+$/.test(name))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it("finds every WebSocket handler and the authorizer on disk, exporting `handler`", () => {
    for (const handler of [
      ...Object.values(websocketRoutes).map((route) => route.handler),
      websocketAuthorizer.handler,
    ]) {
      const file = `${repositoryRoot}${handler.replace(/\.handler$/, "")}.ts`;
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, "utf8"), file).toMatch(/export const handler\b/);
    }
  });

  it("authorises $connect, and only $connect, with a Lambda authorizer reading the token from the query string", () => {
    const [authorizer, ...others] = recording.authorizers;
    expect(others).toEqual([]);
    expect(authorizer).toMatchObject({
      api: websocketApiName,
      name: websocketAuthorizer.name,
      args: {
        lambda: {
          function: { handler: websocketAuthorizer.handler },
          identitySources: ["route.request.querystring.token"],
        },
      },
    });
    expect(authorizer?.args.jwt).toBeUndefined(); // API Gateway has no JWT authorizer for WebSocket APIs
    for (const route of recording.websocketRoutes) {
      const auth = route.args?.auth;
      if (route.rawRoute === "$connect") expect(auth).toEqual({ lambda: authorizer?.id });
      else expect(auth, route.rawRoute).toBeUndefined();
    }
  });

  it("links the WebSocket API to every function that pushes to connections, and the configuration to all", () => {
    const table = component("sst.aws.Dynamo")[0];
    const namesOf = (links: unknown) => ((links ?? []) as Recorded[]).map((link) => link.name).sort();
    const configuration = ["Auth", "CursorSigningKey", table?.name];
    for (const route of recording.websocketRoutes) {
      const declared = websocketRoutes[route.rawRoute as keyof typeof websocketRoutes];
      const expected = declared.pushes ? [...configuration, websocketApiName] : configuration;
      expect(namesOf((route.handler as { link?: unknown }).link), route.rawRoute).toEqual(expected.sort());
    }
    const authorizer = recording.authorizers[0]?.args.lambda as { function?: { link?: unknown } } | undefined;
    expect(namesOf(authorizer?.function?.link)).toEqual(configuration.sort());
  });

  it("outputs the WebSocket API's URL", () => {
    expect(outputs.realtime).toBe(`<${websocketApiName}.url>`);
  });

  it("schedules every declared job on its rate, with a handler that exists", () => {
    const crons = component("sst.aws.CronV2").map((cron) => [
      (cron.args.function as { handler: string }).handler,
      cron.args.schedule,
    ]);
    expect(crons).toEqual(Object.values(schedules).map((job) => [job.handler, job.schedule]));
    for (const [handler] of crons) {
      const file = `${repositoryRoot}${String(handler).replace(/\.handler$/, "")}.ts`;
      expect(existsSync(file), file).toBe(true);
    }
  });

  it("links the integrations' vault, keys and Google settings to exactly the jobs and subscribers that use them, and the vault alone to those that use only it", () => {
    const integrationLinks = [
      tokenVaultName,
      oauthStateSigningKeyName,
      integrationSettingsName,
      googleSettingsName,
      intuitSettingsName,
      xeroSettingsName,
    ];
    const linkedNames = (links: unknown) => ((links ?? []) as { name?: string }[]).map((link) => link.name);
    const expectLinks = (links: (string | undefined)[], uses: readonly string[], name: string) => {
      const linkedOfIntegrations = links.filter((link) => integrationLinks.includes(link as string)).sort();
      const expected = uses.includes("integrations")
        ? integrationLinks
        : uses.includes("vault")
          ? [tokenVaultName]
          : [];
      expect(linkedOfIntegrations, name).toEqual([...expected].sort());
    };
    for (const cron of component("sst.aws.CronV2")) {
      const job = Object.values(schedules).find(
        (declared) => declared.handler === (cron.args.function as { handler: string }).handler,
      );
      const uses: readonly string[] = (job as { uses?: readonly string[] } | undefined)?.uses ?? [];
      expectLinks(linkedNames((cron.args.function as { link?: unknown }).link), uses, cron.name);
    }
    for (const subscription of recording.subscriptions.filter((entry) => entry.to === busName)) {
      const handler = (subscription.subscriber as { handler: string }).handler;
      const declared = Object.values(busSubscriptions).find((each) => each.handler === handler);
      const uses: readonly string[] = (declared as { uses?: readonly string[] } | undefined)?.uses ?? [];
      expectLinks(linkedNames((subscription.subscriber as { link?: unknown }).link), uses, handler);
    }
  });

  it("links the files' bucket to exactly the jobs and subscribers that use it, the file purge among them", () => {
    const linkedNames = (links: unknown) => ((links ?? []) as { name?: string }[]).map((link) => link.name);
    const usesFiles = (declared: { uses?: readonly string[] } | undefined) =>
      declared?.uses?.includes("files") ?? false;
    for (const cron of component("sst.aws.CronV2")) {
      const handler = (cron.args.function as { handler: string }).handler;
      const declared = Object.values(schedules).find((job) => job.handler === handler);
      expect(linkedNames((cron.args.function as { link?: unknown }).link).includes(filesBucketName), handler).toBe(
        usesFiles(declared as { uses?: readonly string[] } | undefined),
      );
    }
    for (const subscription of recording.subscriptions.filter((entry) => entry.to === busName)) {
      const handler = (subscription.subscriber as { handler: string }).handler;
      const declared = Object.values(busSubscriptions).find((each) => each.handler === handler);
      expect(linkedNames((subscription.subscriber as { link?: unknown }).link).includes(filesBucketName), handler).toBe(
        usesFiles(declared as { uses?: readonly string[] } | undefined),
      );
    }
    // Written out rather than read from `uses`, so a job that loses its declaration fails here.
    const purge = component("sst.aws.CronV2").find(
      (each) => (each.args.function as { handler: string }).handler === schedules.filePurge.handler,
    );
    expect(linkedNames((purge?.args.function as { link?: unknown } | undefined)?.link)).toContain(filesBucketName);
  });

  it("links the token vault to every function that seals or opens webhook signing secrets", () => {
    const linkedNames = (links: unknown) => ((links ?? []) as { name?: string }[]).map((link) => link.name);
    // Written out rather than read from `uses`, so a function that loses its declaration fails here.
    const routeIds = ["webhooks.create", "webhooks.rotateSecret", "webhooks.replayDelivery"] as const;
    for (const routeId of routeIds) {
      const route = routes[routeId] as RouteDeclaration;
      const registered = recording.routes.find((r) => r.rawRoute === `${route.method} ${route.path}`);
      expect(linkedNames((registered?.handler as { link?: unknown } | undefined)?.link), routeId).toContain(
        tokenVaultName,
      );
    }
    for (const name of ["webhooks", "automation"] as const) {
      const subscription = recording.subscriptions.find(
        (entry) => (entry.subscriber as { handler: string }).handler === busSubscriptions[name].handler,
      );
      expect(linkedNames((subscription?.subscriber as { link?: unknown } | undefined)?.link), name).toContain(
        tokenVaultName,
      );
    }
    for (const name of ["webhookRetries", "automationDelays"] as const) {
      const cron = component("sst.aws.CronV2").find(
        (each) => (each.args.function as { handler: string }).handler === schedules[name].handler,
      );
      expect(linkedNames((cron?.args.function as { link?: unknown } | undefined)?.link), name).toContain(
        tokenVaultName,
      );
    }
  });

  it("keeps files in one private, HTTPS-only bucket with CORS for the declared origins, checked by the declared subscriber", () => {
    const [bucket, ...others] = component("sst.aws.Bucket");
    expect(others).toEqual([]);
    expect(bucket).toMatchObject({ name: filesBucketName, args: { enforceHttps: true } });
    expect(bucket?.args.access).toBeUndefined(); // no public or CloudFront access
    expect((bucket?.args.cors as { allowMethods: string[] } | undefined)?.allowMethods.sort()).toEqual(["GET", "POST"]);
    // Uploads never checked expire by their pending tag; the rule is off unless the transform gives it its filter.
    expect(bucket?.args.lifecycle).toEqual([expect.objectContaining({ enabled: false })]);
    const lifecycle: { rules?: Record<string, unknown>[] } = {};
    const transform = bucket?.args.transform as { lifecycle: (args: typeof lifecycle) => void } | undefined;
    transform?.lifecycle(lifecycle);
    expect(lifecycle.rules).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        filter: { tag: { key: uploadCheckTag.key, value: uploadCheckTag.pending } },
        expiration: { days: 1 },
      }),
    );
    const notifications = recording.subscriptions.filter((entry) => entry.to === filesBucketName);
    expect(notifications).toHaveLength(Object.keys(bucketSubscriptions).length);
    for (const [name, declared] of Object.entries(bucketSubscriptions)) {
      const notification = notifications.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
      expect(notification?.args, name).toMatchObject({ events: declared.events, filterPrefix: declared.filterPrefix });
      const subscriber = notification?.subscriber as { handler: string; link: Recorded[] };
      expect(subscriber.handler).toBe(declared.handler);
      expect(existsSync(`${repositoryRoot}${declared.handler.replace(/\.handler$/, ".ts")}`)).toBe(true);
      expect(subscriber.link.map((link) => link.name).sort()).toEqual([filesBucketName, tableName].sort());
    }
  });

  it("fails loudly on an SST component the stand-ins do not record", () => {
    const sst = (globalThis as unknown as { sst: { aws: Record<string, unknown> } }).sst;
    expect(() => sst.aws.Postgres).toThrow(/do not know/);
  });
});
