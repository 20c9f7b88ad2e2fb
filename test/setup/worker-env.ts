// Runs in every test worker before the test files load: configures the handlers exactly as the local cloud does.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
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
