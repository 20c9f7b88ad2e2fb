// Runs in every test worker before the test files load: configures the handlers exactly as the local cloud does.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { onDatabaseClient } from "@crm/core/platform";
import { handlerEnvironment } from "@crm/local/cloud";
import { inject } from "vitest";
import { testAudience, testIssuer, testJwks } from "../support/identity";
import { googleSettingsFor, intuitSettingsFor, xeroSettingsFor } from "../support/integrations";

Object.assign(
  process.env,
  handlerEnvironment({
    tableName: inject("tableName"),
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    auth: { issuer: testIssuer, audience: testAudience, jwks: testJwks },
    cursorSigningKey: randomBytes(32).toString("base64url"),
    logLevel: process.env.LOG_LEVEL ?? "SILENT",
    tokenVault: { keyArn: inject("tokenVaultKeyArn"), kmsEndpoint: inject("kmsEndpoint") },
    // Files that serve callbacks start a gateway and link its URL; the fake Google is linked by the files using it.
    integrations: { publicApiUrl: "http://127.0.0.1:9/", stateSigningKey: randomBytes(32).toString("base64url") },
    // Port 9 (discard) refuses at once: files that talk to Google start the fake and link it instead.
    google: googleSettingsFor("http://127.0.0.1:9"),
    intuit: intuitSettingsFor("http://127.0.0.1:9"),
    xero: xeroSettingsFor("http://127.0.0.1:9"),
    // The handlers' EMF records go to a file of the run's own: not to the output, nor to the developer's file.
    metricsFile: join(inject("metricsDirectory"), `worker-${process.pid}.ndjson`),
  }),
  // Tests fire requests far faster than any client may; the rate-limit tests set their own small limits.
  {
    RATE_LIMIT_PER_CALLER: process.env.RATE_LIMIT_PER_CALLER ?? "1000000",
    RATE_LIMIT_PER_ORGANISATION: process.env.RATE_LIMIT_PER_ORGANISATION ?? "1000000",
    // A transaction that takes DynamoDB some 20 ms can take DynamoDB Local a second on a busy machine, so colliding
    // writers need longer than the production budget to take their turns; but well below the handlers' 20 s
    // timeout, as a delete does its unlinking before its retries start (15 s let deletes time out under load).
    CONFLICT_RETRY_BUDGET_MS: process.env.CONFLICT_RETRY_BUDGET_MS ?? "10000",
    // The change feed's tests wait for the settled head; two seconds outlast DynamoDB Local's slow writes.
    CHANGE_FEED_SETTLE_MS: process.env.CHANGE_FEED_SETTLE_MS ?? "2000",
  },
);

// Every access pattern is a GetItem or a Query: any Scan during the tests is a design error, so it fails loudly.
// Added when the client is built, not before: building it reads the configuration once, and a test file may still
// adjust that (its log level, a local bus's endpoint) when it loads or starts.
onDatabaseClient((client) => {
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
