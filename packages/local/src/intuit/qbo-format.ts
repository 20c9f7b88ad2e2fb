/** QBO's wire formats: company-time-zone timestamps, integer cents as JSON numbers, and the XML it answers by default. */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset of a time zone at an instant, in minutes (e.g. -480 for Los Angeles in winter). */
export function offsetMinutes(ms: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(ms).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/**
 * A timestamp as QBO writes it: local time in the company's zone with its offset, e.g.
 * "2026-11-19T09:15:02-08:00" (MetaData: whole seconds) or "2026-11-19T09:15:02.318-08:00" (a response's `time`).
 */
export function qboTime(ms: number, timeZone: string, withMilliseconds = false): string {
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000).toISOString();
  const sign = offset < 0 ? "-" : "+";
  const absolute = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}:${String(absolute % 60).padStart(2, "0")}`;
  return `${withMilliseconds ? local.slice(0, 23) : local.slice(0, 19)}${zone}`;
}

/**
 * Epoch milliseconds of a timestamp in a query or `changedSince`. Without an offset (or date only) it is read in
 * the company's time zone; NaN when it is not a date at all.
 */
export function parseQboTime(text: string, timeZone: string): number {
  const trimmed = text.trim();
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(trimmed);
  if (!match) return Number.NaN;
  const [, year, month, dayOfMonth, hour = "0", minute = "0", second = "0", fraction = "0", zone] = match;
  const asUtc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(dayOfMonth),
    Number(hour),
    Number(minute),
    Number(second),
    Math.floor(Number(`0.${fraction}`) * 1000),
  );
  if (zone === "Z") return asUtc;
  if (zone) {
    const zoneMatch = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    const minutes = zoneMatch
      ? (zoneMatch[1] === "-" ? -1 : 1) * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3]))
      : 0;
    return asUtc - minutes * 60_000;
  }
  return asUtc - offsetMinutes(asUtc, timeZone) * 60_000;
}

/** Integer cents as the JSON number QBO sends (12.5, 59.97), never a float artefact such as 59.970000000000006. */
export const fromCents = (cents: number) => Number((cents / 100).toFixed(2));

/** A JSON amount to integer cents. */
export const toCents = (amount: number) => Math.round(amount * 100);

export const currencyNames: Record<string, string> = {
  USD: "United States Dollar",
  EUR: "Euro",
  GBP: "British Pound Sterling",
  CAD: "Canadian Dollar",
  AUD: "Australian Dollar",
};

// Keys QBO's XML carries as attributes rather than child elements.
const attributeKeys = new Set([
  "domain",
  "sparse",
  "type",
  "code",
  "element",
  "startPosition",
  "maxResults",
  "totalCount",
  "status",
]);

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[character] as string,
  );

function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join("");
  if (typeof value !== "object") return `<${name}>${escapeXml(String(value))}</${name}>`;
  const entries = Object.entries(value as Record<string, unknown>);
  // References ({ value, name }) are <CustomerRef name="…">1</CustomerRef> in QBO's XML.
  if (entries.length > 0 && entries.every(([key]) => key === "value" || key === "name")) {
    const { value: text, name: label } = value as { value?: unknown; name?: unknown };
    return `<${name}${label === undefined ? "" : ` name="${escapeXml(String(label))}"`}>${escapeXml(String(text ?? ""))}</${name}>`;
  }
  const attributes = entries
    .filter(([key, item]) => attributeKeys.has(key) && (typeof item !== "object" || item === null))
    .map(([key, item]) => ` ${key}="${escapeXml(String(item))}"`)
    .join("");
  const children = entries
    .filter(([key, item]) => !(attributeKeys.has(key) && (typeof item !== "object" || item === null)))
    .map(([key, item]) => element(key, item))
    .join("");
  return `<${name}${attributes}>${children}</${name}>`;
}

/** A QBO JSON body as the XML QBO answers when the request does not ask for JSON (an approximation of its schema). */
export function toIntuitXml(body: Record<string, unknown>): string {
  const { time, ...rest } = body;
  const children = Object.entries(rest)
    .map(([key, value]) => element(key, value))
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"${
    time === undefined ? "" : ` time="${escapeXml(String(time))}"`
  }>${children}</IntuitResponse>`;
}
