/**
 * Positions in an organisation's change feed. A position is the time the stream subscriber stored the event (epoch
 * milliseconds, 13 digits), a counter that keeps one container's positions strictly increasing within a millisecond
 * (and across a clock stepping back), and the event's id, which keeps positions from two containers apart:
 * `1764072000000-0003-aud_01…`. Positions sort as strings in the order they were given out.
 *
 * A boundary `<ms>~` sorts after every position of its millisecond and before every later one (`~` sorts after
 * `-`): the cursor of a page that reached the settled head, and the upper bound of every read.
 */

const positionPattern = /^(\d{13})(?:-\d{4}-[0-9a-z_]+|~)$/;

let lastMillisecond = 0;
let counter = 0;

/** A new position for an event stored now, after every position this container gave out before. */
export function nextPosition(eventId: string, nowMilliseconds: number = Date.now()): string {
  if (nowMilliseconds > lastMillisecond) {
    lastMillisecond = nowMilliseconds;
    counter = 0;
  } else if (++counter > 9999) {
    lastMillisecond += 1;
    counter = 0;
  }
  return `${millisecondsText(lastMillisecond)}-${String(counter).padStart(4, "0")}-${eventId}`;
}

/** The boundary after every position stored up to and including this millisecond. */
export function boundaryAt(milliseconds: number): string {
  return `${millisecondsText(milliseconds)}~`;
}

/** The boundary before every position stored at or after this millisecond (the retention's start). */
export function boundaryBefore(milliseconds: number): string {
  return millisecondsText(milliseconds);
}

/** The storage time of a position or boundary, or null when the text is neither. */
export function millisecondsOf(position: string): number | null {
  const match = positionPattern.exec(position);
  return match ? Number(match[1]) : null;
}

function millisecondsText(milliseconds: number): string {
  return String(Math.max(0, Math.floor(milliseconds))).padStart(13, "0");
}
