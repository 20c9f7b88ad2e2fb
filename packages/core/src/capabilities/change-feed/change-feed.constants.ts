/** How long the change feed keeps an event: a cursor older than this is 410 Gone, and the client resyncs. */
export const changeFeedRetentionDays = 30;

export const changeFeedRetentionMilliseconds = changeFeedRetentionDays * 24 * 60 * 60 * 1000;
