import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

const conflictRetriesConfigSchema = z.object({
  /**
   * How long a write that lost a race keeps retrying on fresh data before answering 409: a few seconds, well within
   * the functions' 10-second timeout. CONFLICT_RETRY_BUDGET_MS overrides it (the tests' DynamoDB Local is far slower).
   */
  budgetMilliseconds: z.coerce.number().int().min(0).default(5_000),
});

export type ConflictRetriesConfig = z.infer<typeof conflictRetriesConfigSchema>;

/** The conflict-retry budget as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readConflictRetriesConfig(source: ConfigSource): ConflictRetriesConfig {
  return parseConfig("conflict retries", conflictRetriesConfigSchema, {
    budgetMilliseconds: source.variable("CONFLICT_RETRY_BUDGET_MS"),
  });
}

/**
 * The conflict-retry budget, parsed once. It needs no link, so the transactions module reads it at module scope: a
 * wrong CONFLICT_RETRY_BUDGET_MS fails the cold start of every function that writes.
 */
export const conflictRetriesConfig = once(() => readConflictRetriesConfig(runtimeConfigSource));
