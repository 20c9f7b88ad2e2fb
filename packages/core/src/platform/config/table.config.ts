import { z } from "zod";
import { tableName } from "../../declarations/table";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const tableConfigSchema = z.object({
  /** `Resource.CrmTable.name`. */
  name: z.string(linkedFrom(tableName)).min(3),
  /** Only the local cloud and the tests set this (`DYNAMODB_ENDPOINT`): DynamoDB Local. */
  dynamodbEndpoint: z.url().optional(),
});

export type TableConfig = z.infer<typeof tableConfigSchema>;

/** The table's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readTableConfig(source: ConfigSource): TableConfig {
  return parseConfig("table", tableConfigSchema, {
    name: source.linked(tableName)?.name,
    dynamodbEndpoint: source.variable("DYNAMODB_ENDPOINT"),
  });
}

/**
 * The table's configuration, parsed once, on first use rather than at module scope: every HTTP function loads the
 * table binding (the handler factory's member lookup and rate limiter), the public ones too, which are linked to no
 * table; and the entities are defined at module scope, so the binding must not read it when it loads.
 */
export const tableConfig = once(() => readTableConfig(runtimeConfigSource));
