import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localAwsClientConfig, provisionTable, startDynamoDbLocal } from "../dynamodb";
import { startHttpGateway } from "../gateway";
import { loadOrCreateIdentityProvider } from "../identity";
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
};

export type LocalCloud = {
  url: string;
  dynamodbEndpoint: string;
  tableName: string;
  identityProvider: Awaited<ReturnType<typeof loadOrCreateIdentityProvider>>;
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
 * Starts the whole system on this machine: DynamoDB Local with the declared table, the local identity provider,
 * and the HTTP gateway serving every route of the route table with the real handler modules. `stop()` stops all
 * of it; DynamoDB Local is also stopped if this process dies.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  await mkdir(options.dataDirectory, { recursive: true });
  const tableName = options.tableName ?? "crm-local";
  const dynamodb = await startDynamoDbLocal({
    port: options.dynamodbPort ?? 0,
    ...(options.inMemory ? {} : { dataDirectory: join(options.dataDirectory, "dynamodb") }),
  });
  try {
    const client = new DynamoDBClient(localAwsClientConfig(dynamodb.endpoint));
    await provisionTable(client, tableName);
    client.destroy();

    const identityProvider = await loadOrCreateIdentityProvider({
      dataDirectory: options.dataDirectory,
      issuer: options.issuer,
      audience: options.audience,
    });
    Object.assign(
      process.env,
      handlerEnvironment({
        tableName,
        dynamodbEndpoint: dynamodb.endpoint,
        auth: { issuer: identityProvider.issuer, audience: identityProvider.audience, jwks: identityProvider.jwks },
        cursorSigningKey: await loadOrCreateSecret(options.dataDirectory, "cursor-signing-key"),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      }),
    );
    const gateway = await startHttpGateway({
      host: options.host ?? "127.0.0.1",
      port: options.port,
      extraRoutes: identityProvider.routes,
    });
    return {
      url: gateway.url,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName,
      identityProvider,
      stop: async () => {
        await gateway.close();
        await dynamodb.stop();
      },
    };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}
