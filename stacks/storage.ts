import { tableDefinition, tableName } from "../packages/core/src/declarations";
import { linkable } from "./links";

/** The single table, exactly as declared in packages/core (the local cloud creates the same one). */
export const table = linkable(
  tableName,
  new sst.aws.Dynamo(tableName, {
    fields: tableDefinition.fields,
    primaryIndex: tableDefinition.primaryIndex,
    globalIndexes: tableDefinition.globalIndexes,
    ttl: tableDefinition.ttl,
    stream: tableDefinition.stream,
    deletionProtection: $app.stage === "production",
    // SST enables point-in-time recovery today; said here, so the table keeps 35 days of restorable history even if
    // that default changes.
    transform: { table: { pointInTimeRecovery: { enabled: true } } },
  }),
);
