// Runs in every test worker before the test files load: points the handlers' configuration at the local cloud,
// exactly as the local gateway does (same SST_RESOURCE_* variables that SST's links provide in AWS).
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { testAudience, testIssuer, testJwks } from "../support/identity";

process.env.AWS_REGION = "us-east-1";
process.env.AWS_ACCESS_KEY_ID = "local";
process.env.AWS_SECRET_ACCESS_KEY = "local";
process.env.DYNAMODB_ENDPOINT = inject("dynamodbEndpoint");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "SILENT";
process.env.SST_RESOURCE_App = JSON.stringify({ name: "crm", stage: "test" });
process.env.SST_RESOURCE_CrmTable = JSON.stringify({ name: inject("tableName"), type: "sst.aws.Dynamo" });
process.env.SST_RESOURCE_CursorSigningKey = JSON.stringify({ value: randomBytes(32).toString("base64url") });
process.env.SST_RESOURCE_Auth = JSON.stringify({
  issuer: testIssuer,
  audience: testAudience,
  jwksUri: `${testIssuer}/.well-known/jwks.json`,
  jwks: testJwks,
});
