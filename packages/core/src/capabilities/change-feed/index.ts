/** The public surface of this module: what handlers, the stream subscriber and the tests use. */
export { changeFeedRetentionDays } from "./change-feed.constants";
export { changeFeedContracts } from "./change-feed.contract";
export { CursorExpiredError } from "./change-feed.errors";
export type { ChangeFeedPage, ChangeFeedQuery } from "./change-feed.schema";
export { readChangeFeed, storeInChangeFeed } from "./change-feed.service";
