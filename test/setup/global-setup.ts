// One in-memory DynamoDB Local for the whole run, with the declared table provisioned as `crm-test`. Vitest calls the
// returned teardown on success and on failure; the module's own hooks and watchdog cover the rest.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localAwsClientConfig, provisionTable, startDynamoDbLocal } from "@crm/local/dynamodb";
import { startLocalKms } from "@crm/local/kms";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    tableName: string;
    kmsEndpoint: string;
    tokenVaultKeyArn: string;
    /** Where the handlers' metrics go during the run (never the developer's `.data/metrics.ndjson`); removed after. */
    metricsDirectory: string;
  }
}

const requiredNodeMajor = 24;
const tableName = "crm-test";
const tokenVaultAlias = "alias/crm-token-vault";

export default async function setup(project: TestProject) {
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  if (nodeMajor !== requiredNodeMajor) {
    throw new Error(
      `The tests need Node ${requiredNodeMajor} (the Lambda runtime is nodejs${requiredNodeMajor}.x), but this is ` +
        `Node ${process.versions.node}. Run them through npm scripts or npx, which use the project's own Node.`,
    );
  }

  const dynamodb = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient(localAwsClientConfig(dynamodb.endpoint));
    try {
      await provisionTable(client, tableName);
    } finally {
      client.destroy();
    }
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }

  // The token vault's KMS: in memory, so every run starts with fresh key material.
  const kms = await startLocalKms({ aliases: [tokenVaultAlias] }).catch(async (error) => {
    await dynamodb.stop();
    throw error;
  });

  const metricsDirectory = await mkdtemp(join(tmpdir(), "crm-test-metrics-"));

  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  project.provide("tableName", tableName);
  project.provide("kmsEndpoint", kms.endpoint);
  project.provide("tokenVaultKeyArn", kms.keyArn(tokenVaultAlias));
  project.provide("metricsDirectory", metricsDirectory);
  return async () => {
    await kms.close();
    await dynamodb.stop();
    await rm(metricsDirectory, { recursive: true, force: true });
  };
}
