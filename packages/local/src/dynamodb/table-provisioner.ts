/**
 * Turns the table declaration that `stacks/` hands to `sst.aws.Dynamo` into the same table on DynamoDB Local:
 * created when missing, brought up to date when it exists (from a persistent data directory of an older version).
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
  type ScalarAttributeType,
  type StreamViewType,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "@crm/core/declarations";

export type AttributeDeclaration = "string" | "number" | "binary";
export type StreamDeclaration = "keys-only" | "new-image" | "old-image" | "new-and-old-images";
export type KeyDeclaration = { readonly hashKey: string; readonly rangeKey?: string };

/** The subset of `sst.aws.Dynamo`'s arguments that describes the table itself. */
export type TableDeclaration = {
  readonly fields: Readonly<Record<string, AttributeDeclaration>>;
  readonly primaryIndex: KeyDeclaration;
  readonly globalIndexes?: Readonly<Record<string, KeyDeclaration>>;
  readonly ttl?: string;
  readonly stream?: StreamDeclaration;
};

export type ProvisioningReport = {
  /** Whether this call created the table. */
  readonly created: boolean;
  /** Declared global indexes that the existing table lacked and that were added. */
  readonly addedIndexes: readonly string[];
  /** Global indexes the table has but the declaration does not; they are left in place. */
  readonly undeclaredIndexes: readonly string[];
};

export class TableProvisioningError extends Error {
  override readonly name = "TableProvisioningError";
}

/** The CreateTable request for a declared table: on-demand billing, every global index projecting all attributes. */
export function createTableInput(
  tableName: string,
  definition: TableDeclaration = tableDefinition,
): CreateTableCommandInput {
  const globalIndexes = Object.entries(definition.globalIndexes ?? {});
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: attributeDefinitions(definition, [
      definition.primaryIndex,
      ...globalIndexes.map(([, key]) => key),
    ]),
    KeySchema: keySchema(definition.primaryIndex),
    ...(globalIndexes.length > 0 && {
      GlobalSecondaryIndexes: globalIndexes.map(([indexName, key]) => globalIndex(indexName, key)),
    }),
    ...(definition.stream && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewTypes[definition.stream] },
    }),
  };
}

/**
 * Creates the declared table if it is missing, adds declared global indexes it lacks (one UpdateTable each, as
 * DynamoDB requires), enables TTL on the declared attribute, and waits until everything is ACTIVE.
 */
export async function provisionTable(
  client: DynamoDBClient,
  tableName: string,
  definition: TableDeclaration = tableDefinition,
): Promise<ProvisioningReport> {
  let created = false;
  if ((await describeTable(client, tableName)) === undefined) {
    created = await createTable(client, createTableInput(tableName, definition));
  }
  const table = await waitUntilActive(client, tableName);

  const existingIndexes = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ""));
  const addedIndexes: string[] = [];
  for (const [indexName, key] of Object.entries(definition.globalIndexes ?? {})) {
    if (existingIndexes.has(indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions(definition, [key]),
        GlobalSecondaryIndexUpdates: [{ Create: globalIndex(indexName, key) }],
      }),
    );
    await waitUntilActive(client, tableName);
    addedIndexes.push(indexName);
  }
  const declaredIndexes = new Set(Object.keys(definition.globalIndexes ?? {}));
  const undeclaredIndexes = [...existingIndexes].filter((indexName) => !declaredIndexes.has(indexName));

  if (definition.ttl !== undefined) await enableTimeToLive(client, tableName, definition.ttl);
  return { created, addedIndexes, undeclaredIndexes };
}

const attributeTypes = {
  string: "S",
  number: "N",
  binary: "B",
} as const satisfies Record<AttributeDeclaration, ScalarAttributeType>;

const streamViewTypes = {
  "keys-only": "KEYS_ONLY",
  "new-image": "NEW_IMAGE",
  "old-image": "OLD_IMAGE",
  "new-and-old-images": "NEW_AND_OLD_IMAGES",
} as const satisfies Record<StreamDeclaration, StreamViewType>;

const activeTimeoutMs = 60_000;
const activePollIntervalMs = 100;

/** DynamoDB accepts definitions only for key attributes, so only those of the given keys are listed, once each. */
function attributeDefinitions(definition: TableDeclaration, keys: readonly KeyDeclaration[]): AttributeDefinition[] {
  const names = [...new Set(keys.flatMap((key) => [key.hashKey, ...(key.rangeKey ? [key.rangeKey] : [])]))];
  return names.map((name) => {
    const type = definition.fields[name];
    if (type === undefined) {
      throw new TableProvisioningError(`The key attribute "${name}" is not declared in the table's fields.`);
    }
    return { AttributeName: name, AttributeType: attributeTypes[type] };
  });
}

function keySchema(key: KeyDeclaration): KeySchemaElement[] {
  return [
    { AttributeName: key.hashKey, KeyType: "HASH" },
    ...(key.rangeKey ? [{ AttributeName: key.rangeKey, KeyType: "RANGE" as const }] : []),
  ];
}

function globalIndex(indexName: string, key: KeyDeclaration): GlobalSecondaryIndex {
  return { IndexName: indexName, KeySchema: keySchema(key), Projection: { ProjectionType: "ALL" } };
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** False when someone else created the table meanwhile (another test run on the same DynamoDB Local). */
async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + activeTimeoutMs;
  for (;;) {
    const table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE");
    if (table?.TableStatus === "ACTIVE" && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new TableProvisioningError(
        `Table "${tableName}" and its indexes did not become ACTIVE within ${activeTimeoutMs / 1000} s ` +
          `(table: ${table?.TableStatus ?? "missing"}).`,
      );
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, activePollIntervalMs));
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  const { TimeToLiveDescription: current } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current?.TimeToLiveStatus;
  const enabled = status === "ENABLED" || status === "ENABLING";
  if (enabled && current?.AttributeName === attributeName) return;
  if (enabled) {
    // DynamoDB allows one TTL attribute and refuses to switch without disabling first, which may take an hour.
    throw new TableProvisioningError(
      `Table "${tableName}" has TTL on "${current?.AttributeName}", but the declaration says "${attributeName}".`,
    );
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true },
    }),
  );
}
