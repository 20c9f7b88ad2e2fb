/** The public surface of this module: what handlers, jobs, the local cloud and the tests use. */
export { beginAuthorization, callbackUrl, completeAuthorization, connectionIdFor } from "./authorization.service";
export { ConnectionEntity } from "./connection.entity";
export { connectionLog, getConnection, listConnections } from "./connection.queries";
export type { Connection } from "./connection.schema";
export { connectionNeedsReauth, disconnect } from "./connection.service";
export { syncGmail } from "./google/gmail.sync";
export { SyncStateEntity } from "./sync-state.entity";
export { accessTokenFor, ConnectionNeedsReauthError } from "./token-refresh";
