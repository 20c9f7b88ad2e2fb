import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity, type Schema, type TransactWriteEntity } from "electrodb";
import { tableConfig } from "./config/table.config";

let documentClient: DynamoDBDocumentClient | undefined;
const clientHooks: ((client: DynamoDBDocumentClient) => void)[] = [];

/** The SDK document client for the table, built once per process on first use (module scope in Lambda). */
export function databaseClient(): DynamoDBDocumentClient {
  if (!documentClient) {
    const { dynamodbEndpoint } = tableConfig();
    documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    for (const hook of clientHooks) hook(documentClient);
  }
  return documentClient;
}

/**
 * Runs `configure` on the SDK client when it is built (at once if it already is), without building it early: the
 * client reads the table configuration, which is parsed once. The tests add their middleware (no scans, faults) here.
 */
export function onDatabaseClient(configure: (client: DynamoDBDocumentClient) => void): void {
  if (documentClient) configure(documentClient);
  else clientHooks.push(configure);
}

/** The configured table's name (`Resource.CrmTable.name`). */
export function tableName(): string {
  return tableConfig().name;
}

/**
 * What ElectroDB is given as its client: it sends through the document client, which is built when the first
 * command is sent, so defining an entity at module scope reads no configuration.
 */
const lazyClient = { send: (command: never, options?: never) => databaseClient().send(command, options) };

/**
 * An ElectroDB entity bound to the table. Each domain module defines its own entities with it, so a function's
 * bundle holds only the entities its route uses; no Service has to know them all (transactions are change sets, see
 * `change-set.ts`). The table name is read when an operation is built, not when the entity is defined.
 */
export function tableEntity<A extends string, F extends string, C extends string, S extends Schema<A, F, C>>(
  schema: S,
): Entity<A, F, C, S> {
  const entity = new Entity(schema, { client: lazyClient as never }) as unknown as Entity<A, F, C, S>;
  Object.defineProperty((entity as unknown as { config: object }).config, "table", {
    get: tableName,
    enumerable: true,
  });
  // Every operation with `originalErr`: ElectroDB otherwise builds an error, stack captured, on every go() in case
  // the call fails (about 0.3 ms a request); a failure then reaches us as the SDK's own error (see isAwsError).
  const operable = entity as unknown as { go: (method: unknown, parameters: unknown, config?: object) => unknown };
  const go = operable.go.bind(entity);
  operable.go = (method, parameters, config = {}) => go(method, parameters, { ...config, originalErr: true });
  return entity;
}

/**
 * The same entity seen as a source of transaction steps (`.commit()`, `check`): ElectroDB builds every operation
 * the same way, but types `commit` only on the entities of a Service's transaction callback.
 */
export function inTransaction<A extends string, F extends string, C extends string, S extends Schema<A, F, C>>(
  entity: Entity<A, F, C, S>,
): TransactWriteEntity<A, F, C, S> {
  return entity as unknown as TransactWriteEntity<A, F, C, S>;
}
