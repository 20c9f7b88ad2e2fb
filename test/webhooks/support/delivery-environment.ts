// Imported first by the test files that deliver webhooks, before any handler module reads the configuration (it is
// parsed once per process, and each test file runs in a process of its own).
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { tableName as tableResourceName } from "@crm/core/declarations";
import { localAwsClientConfig, provisionTable } from "@crm/local/dynamodb";
import { afterAll, inject, vi } from "vitest";

// The receivers of these tests listen on http://127.0.0.1, which only the local cloud and the tests may allow.
vi.stubEnv("WEBHOOKS_ALLOW_LOOPBACK", "true");

/**
 * A table of their own: the retry job attempts every due delivery of the table, whatever its organisation, so in
 * the shared table it would also take up the deliveries other test files leave pending, and race with them.
 */
export const ownTableName = `crm-test-webhooks-${randomUUID().slice(0, 8)}`;
const client = new DynamoDBClient(localAwsClientConfig(inject("dynamodbEndpoint")));
try {
  await provisionTable(client, ownTableName);
} finally {
  client.destroy();
}
vi.stubEnv(`SST_RESOURCE_${tableResourceName}`, JSON.stringify({ name: ownTableName, type: "sst.aws.Dynamo" }));

afterAll(() => {
  vi.unstubAllEnvs();
});
