import { DomainError } from "../../platform/errors";
import { changeFeedRetentionDays } from "./change-feed.constants";

/** The codes of the change feed's own errors; composition/ joins them into `DomainErrorCode`. */
export type ChangeFeedErrorCode = "cursor-expired";

/**
 * A change-feed cursor older than the feed's retention: events after it may be gone, so resuming from it could
 * miss some. The client must resync (read the records again) and start the feed anew without `after`.
 */
export class CursorExpiredError extends DomainError<ChangeFeedErrorCode> {
  readonly code = "cursor-expired";
  constructor(options?: ErrorOptions) {
    super(
      `The cursor is older than the change feed's ${changeFeedRetentionDays} days of retention, so events after it may be gone: resync the records, then read the feed again without after.`,
      options,
    );
  }
}
