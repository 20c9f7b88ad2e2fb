import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity, type Schema, type TransactWriteEntity } from "electrodb";
import { metricNames } from "../declarations/metrics";
import { tableConfig } from "./config/table.config";
import { countMetric } from "./metrics-sink";

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
    measureRequests(documentClient);
    for (const hook of clientHooks) hook(documentClient);
  }
  return documentClient;
}

/** The commands that can report the capacity they consume (`ReturnConsumedCapacity`), as document or plain commands. */
const capacityReporting =
  /^(Get|Put|Update|Delete|Query|Scan|BatchGet|BatchWrite|TransactGet|TransactWrite)(Item|Items)?Command$/;

type CapacityReport = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

/**
 * Counts every request sent to DynamoDB and the capacity units it consumed, for the invocation's metrics. Asks for
 * the total consumed capacity when a request does not say what it wants (it costs nothing and adds a few bytes to the
 * answer); a request that asks for none still counts as a call.
 */
function measureRequests(client: DynamoDBDocumentClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const reports = capacityReporting.test(context.commandName ?? "");
      countMetric(metricNames.dynamodbCalls);
      const result = await next(
        reports ? { ...args, input: { ReturnConsumedCapacity: "TOTAL", ...args.input } } : args,
      );
      if (reports) {
        const consumed = (result.output as { ConsumedCapacity?: CapacityReport }).ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, report) => sum + (report.CapacityUnits ?? 0), 0);
        countMetric(metricNames.dynamodbConsumedCapacity, units);
      }
      return result;
    },
    { step: "initialize", name: "measureRequests" },
  );
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
 * `change-set.ts`). The table name is read when an operation is built, not when the entity is defined. The entity is
 * built on first use, not at import: ElectroDB parses and validates its model then (a few ms each), and a bundle
 * holds many entities its route never touches.
 */
export function tableEntity<A extends string, F extends string, C extends string, S extends Schema<A, F, C>>(
  schema: S,
): Entity<A, F, C, S> {
  let built: Entity<A, F, C, S> | undefined;
  const entity = () => {
    built ??= boundEntity(schema);
    return built;
  };
  // Its prototype is Entity's, so `instanceof Entity` holds before it is built too.
  return new Proxy(Object.create(Entity.prototype) as Entity<A, F, C, S>, {
    get(_, property) {
      const real = entity();
      const value = Reflect.get(real, property, real);
      return typeof value === "function" ? value.bind(real) : value;
    },
    set: (_, property, value) => Reflect.set(entity(), property, value),
    has: (_, property) => Reflect.has(entity(), property),
  });
}

function boundEntity<A extends string, F extends string, C extends string, S extends Schema<A, F, C>>(
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
