/** ISO-8601 UTC timestamp with milliseconds, the format of every `createdAt`/`updatedAt`. */
export function now(): string {
  return new Date().toISOString();
}
