import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fallbackRoute, type RouteDeclaration, routes, tableDefinition, tableName } from "@crm/core/declarations";
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

  it("creates the table exactly as declared in packages/core", () => {
    const [table, ...others] = component("sst.aws.Dynamo");
    expect(others).toEqual([]);
    expect(table?.name).toBe(tableName);
    expect(table?.args).toMatchObject({
      fields: tableDefinition.fields,
      primaryIndex: tableDefinition.primaryIndex,
      globalIndexes: tableDefinition.globalIndexes,
      ttl: tableDefinition.ttl,
      stream: tableDefinition.stream,
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

  it("links the table, the token settings and the cursor key to every non-public route, and nothing to public ones", () => {
    const table = component("sst.aws.Dynamo")[0];
    for (const [routeId, route] of Object.entries(routes) as [string, RouteDeclaration][]) {
      const registered = recording.routes.find((r) => r.rawRoute === `${route.method} ${route.path}`);
      const links = ((registered?.handler as { link?: unknown[] } | undefined)?.link ?? []) as { name?: string }[];
      const linkedNames = links.map((link) => (link as unknown as Recorded).name).sort();
      if (route.access === "public") expect(linkedNames, routeId).toEqual([]);
      else expect(linkedNames, routeId).toEqual(["Auth", "CursorSigningKey", table?.name].sort());
    }
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

  it("outputs the API URL and the user pool ids", () => {
    expect(outputs).toEqual({ api: "<Api.url>", userPoolId: expect.any(String), userPoolClientId: expect.any(String) });
  });

  it("fails loudly on an SST component the stand-ins do not record", () => {
    const sst = (globalThis as unknown as { sst: { aws: Record<string, unknown> } }).sst;
    expect(() => sst.aws.Bucket).toThrow(/do not know/);
  });
});
