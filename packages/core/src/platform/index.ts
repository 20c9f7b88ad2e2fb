/**
 * The public surface of this module: what handlers, the local cloud and the tests use. The conflict retries are
 * @crm/core/transactions: transactions.ts reads its retry budget at module scope, which every function importing
 * this index would otherwise do at its cold start.
 */

export type { AuthConfig } from "./config/auth.config";
export { authConfig, readAuthConfig } from "./config/auth.config";
export { busConfig, readBusConfig } from "./config/bus.config";
export type { ConfigSource, FunctionLinks } from "./config/configuration";
export { ConfigurationError, isLinked, once, runtimeConfigSource, runWithLinks } from "./config/configuration";
export { conflictRetriesConfig, readConflictRetriesConfig } from "./config/conflict-retries.config";
export { readCursorConfig } from "./config/cursor.config";
export { domainEventFailuresConfig, readDomainEventFailuresConfig } from "./config/domain-event-failures.config";
export {
  googleConfig,
  integrationsConfig,
  intuitConfig,
  readGoogleConfig,
  readIntegrationsConfig,
  readProviderCallsConfig,
  xeroConfig,
} from "./config/integrations.config";
export { loggingConfig, readLoggingConfig } from "./config/logging.config";
export { metricsConfig, readMetricsConfig } from "./config/metrics.config";
export { readRateLimitsConfig } from "./config/rate-limits.config";
export { readRealtimeConfig } from "./config/realtime.config";
export { readTableConfig, tableConfig } from "./config/table.config";
export { readVaultConfig } from "./config/vault.config";
export { readWebhooksConfig, webhooksConfig } from "./config/webhooks.config";
export { decodeCursor, encodeCursor, queryFingerprint } from "./cursor";
export {
  ConcurrentModificationError,
  DomainError,
  DuplicateError,
  ForbiddenError,
  InvalidCursorError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from "./errors";
export type { Preconditions } from "./etag";
export { etagOf, noneMatchHolds } from "./etag";
export { memberIdFor, newId, normaliseEmail } from "./ids";
export {
  countMetric,
  type ExternalCall,
  type ExternalCallOutcome,
  type MetricsSink,
  outcomeOfStatus,
  recordExternalCall,
  useMetricsSink,
} from "./metrics-sink";
export type { Identity, TenantContext } from "./request-context";
export { withPathParameters } from "./route-contract";
export { sortKeyOf } from "./schema";
export { itemOfStreamImage } from "./stream-image";
export { databaseClient, onDatabaseClient } from "./table";
export { fieldIssuesOf, invalidInput } from "./validation";
