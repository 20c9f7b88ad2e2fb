import { randomUUID } from "node:crypto";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "@crm/core/declarations";
import {
  createTableInput,
  localAwsClientConfig,
  provisionTable,
  type TableDeclaration,
  TableProvisioningError,
} from "@crm/local/dynamodb";
import { afterAll, describe, expect, inject, it, onTestFinished } from "vitest";

const client = new DynamoDBClient(localAwsClientConfig(inject("dynamodbEndpoint")));
const createdTables: string[] = [];
afterAll(async () => {
  await Promise.all(createdTables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client.destroy();
});

describe("the CreateTable request derived from the declaration", () => {
  it("asks for on-demand billing, the primary key, every index projecting all attributes, and the stream", () => {
    const input = createTableInput("crm-unit", tableDefinition);

    expect(input).toMatchObject({
      TableName: "crm-unit",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
    expect(input.GlobalSecondaryIndexes).toEqual(
      Object.entries(tableDefinition.globalIndexes).map(([IndexName, { hashKey, rangeKey }]) => ({
        IndexName,
        KeySchema: [
          { AttributeName: hashKey, KeyType: "HASH" },
          { AttributeName: rangeKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      })),
    );
    expect(input.AttributeDefinitions).toHaveLength(Object.keys(tableDefinition.fields).length);
  });

  it("defines only key attributes, once each, with their declared types", () => {
    const input = createTableInput(
      "typed",
      aTableDeclaration({
        fields: { id: "string", version: "number", owner: "binary", note: "string" },
        primaryIndex: { hashKey: "id", rangeKey: "version" },
        globalIndexes: { byOwner: { hashKey: "owner", rangeKey: "version" }, byId: { hashKey: "id" } },
      }),
    );

    expect(input.AttributeDefinitions).toEqual([
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "version", AttributeType: "N" },
      { AttributeName: "owner", AttributeType: "B" },
    ]);
    expect(input.GlobalSecondaryIndexes?.[1]?.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
  });

  it.each([
    ["keys-only", "KEYS_ONLY"],
    ["new-image", "NEW_IMAGE"],
    ["old-image", "OLD_IMAGE"],
    ["new-and-old-images", "NEW_AND_OLD_IMAGES"],
  ] as const)("maps the stream declaration %s to the view type %s", (stream, viewType) => {
    const input = createTableInput("streamed", aTableDeclaration({ stream }));

    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: viewType });
  });

  it("leaves out indexes and the stream when none are declared", () => {
    const input = createTableInput("plain", aTableDeclaration({ globalIndexes: {}, stream: undefined }));

    expect(input).not.toHaveProperty("GlobalSecondaryIndexes");
    expect(input).not.toHaveProperty("StreamSpecification");
  });

  it("rejects a key attribute that is not among the declared fields", () => {
    const declaration = aTableDeclaration({ globalIndexes: { byMissing: { hashKey: "missing" } } });

    expect(() => createTableInput("broken", declaration)).toThrow(TableProvisioningError);
    expect(() => createTableInput("broken", declaration)).toThrow('"missing"');
  });
});

describe("provisioning the table on DynamoDB Local", () => {
  it("creates the declared table with its indexes, TTL and stream", async () => {
    const tableName = aTableName();

    const report = await provisionTable(client, tableName);

    expect(report).toEqual({ created: true, addedIndexes: [], undeclaredIndexes: [] });
    const table = await describeTable(tableName);
    expect(table.TableStatus).toBe("ACTIVE");
    expect(table.KeySchema).toEqual(createTableInput(tableName).KeySchema);
    expect(indexSummary(table)).toEqual(
      Object.keys(tableDefinition.globalIndexes).map((name) => ({ name, status: "ACTIVE", projection: "ALL" })),
    );
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(table.LatestStreamArn).toBeDefined();
    await expect(timeToLive(tableName)).resolves.toEqual({
      TimeToLiveStatus: "ENABLED",
      AttributeName: tableDefinition.ttl,
    });
  });

  it("adds a declared index that an existing table lacks, one at a time", async () => {
    const tableName = aTableName();
    await provisionTable(client, tableName, withoutIndexes("gsi4", "gsi5"));
    const commands = recordCommands(client);

    const report = await provisionTable(client, tableName);

    expect(report).toEqual({ created: false, addedIndexes: ["gsi4", "gsi5"], undeclaredIndexes: [] });
    expect(commands.filter((name) => name === "UpdateTableCommand")).toHaveLength(2);
    expect(indexSummary(await describeTable(tableName)).map(({ name, status }) => [name, status])).toEqual(
      Object.keys(tableDefinition.globalIndexes).map((name) => [name, "ACTIVE"]),
    );
  });

  it("reports an index that is no longer declared but does not delete it", async () => {
    const tableName = aTableName();
    await provisionTable(client, tableName);

    const report = await provisionTable(client, tableName, withoutIndexes("gsi5"));

    expect(report).toEqual({ created: false, addedIndexes: [], undeclaredIndexes: ["gsi5"] });
    expect(indexSummary(await describeTable(tableName)).map(({ name }) => name)).toContain("gsi5");
  });

  it("only looks at a table that is already up to date", async () => {
    const tableName = aTableName();
    await provisionTable(client, tableName);
    const commands = recordCommands(client);

    const report = await provisionTable(client, tableName);

    expect(report).toEqual({ created: false, addedIndexes: [], undeclaredIndexes: [] });
    expect(new Set(commands)).toEqual(new Set(["DescribeTableCommand", "DescribeTimeToLiveCommand"]));
  });

  it("provisioned the test run's shared table from the declaration", async () => {
    const table = await describeTable(inject("tableName"));

    expect(indexSummary(table).map(({ name }) => name)).toEqual(Object.keys(tableDefinition.globalIndexes));
    await expect(timeToLive(inject("tableName"))).resolves.toMatchObject({ TimeToLiveStatus: "ENABLED" });
  });
});

function aTableDeclaration(overrides: Partial<TableDeclaration> = {}): TableDeclaration {
  return { ...tableDefinition, ...overrides };
}

function withoutIndexes(...names: string[]): TableDeclaration {
  return aTableDeclaration({
    globalIndexes: Object.fromEntries(
      Object.entries(tableDefinition.globalIndexes).filter(([name]) => !names.includes(name)),
    ),
  });
}

function aTableName(): string {
  const tableName = `provisioning-${randomUUID()}`;
  createdTables.push(tableName);
  return tableName;
}

async function describeTable(tableName: string): Promise<TableDescription> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table) throw new Error(`DescribeTable returned no table for ${tableName}`);
  return Table;
}

async function timeToLive(tableName: string) {
  return (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
}

function indexSummary(table: TableDescription) {
  return (table.GlobalSecondaryIndexes ?? [])
    .map((index) => ({
      name: index.IndexName,
      status: index.IndexStatus,
      projection: index.Projection?.ProjectionType,
    }))
    .sort((left, right) => String(left.name).localeCompare(String(right.name)));
}

/** Names of the commands the client sends from now on (observed, not intercepted). */
function recordCommands(observed: DynamoDBClient): string[] {
  const names: string[] = [];
  const middlewareName = `recordCommands-${randomUUID()}`;
  observed.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(context.commandName ?? "unknown");
      return next(args);
    },
    { step: "initialize", name: middlewareName },
  );
  onTestFinished(() => {
    observed.middlewareStack.remove(middlewareName);
  });
  return names;
}
