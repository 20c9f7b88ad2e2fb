// Runs in every test worker before the test files load: configures the handlers exactly as the local cloud does.
import { randomBytes } from "node:crypto";
import { databaseClient } from "@crm/core/platform";
import { beforeAll, inject } from "vitest";
import { handlerEnvironment } from "../../packages/local/src/cloud/handler-environment";
import { testAudience, testIssuer, testJwks } from "../support/identity";

Object.assign(
  process.env,
  handlerEnvironment({
    tableName: inject("tableName"),
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    auth: { issuer: testIssuer, audience: testAudience, jwks: testJwks },
    cursorSigningKey: randomBytes(32).toString("base64url"),
    logLevel: process.env.LOG_LEVEL ?? "SILENT",
  }),
);

// Every access pattern is a GetItem or a Query: any Scan during the tests is a design error, so it fails loudly.
// Registered in a hook, not at load, because building the client reads the configuration once, and a test file
// may still adjust it (the log level) when it loads.
beforeAll(() => {
  const client = databaseClient();
  if (client.middlewareStack.identify().some((entry) => entry.startsWith("refuseScans"))) return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^Scan/.test(context.commandName ?? "")) {
        throw new Error(`A ${context.commandName} ran; every read must be a GetItem or a Query.`);
      }
      return next(args);
    },
    { step: "initialize", name: "refuseScans" },
  );
});
