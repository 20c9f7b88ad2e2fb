/**
 * EventBridge's content-based filtering, the subset this system uses: both the bus rules and Lambda's stream event
 * filters speak it, so the local bus and the local stream reader match exactly what AWS would match.
 * A pattern is an object; each key must match. An array lists accepted values (an array in the event matches when
 * any element does); an object recurses. Supported matchers: literals, `prefix`, `suffix`, `anything-but`,
 * `exists`, `equals-ignore-case`.
 */
export type EventPattern = { readonly [key: string]: readonly unknown[] | EventPattern };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) return matchesAny(expected, actual, key in record);
    return matchesPattern(expected as EventPattern, actual);
  });
}

function matchesAny(accepted: readonly unknown[], actual: unknown, present: boolean): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  return accepted.some((rule) => {
    if (isMatcher(rule, "exists")) return rule.exists === (present && actual !== undefined);
    if (!present) return false;
    return values.some((value) => matchesValue(rule, value));
  });
}

function isMatcher<K extends string>(rule: unknown, key: K): rule is Record<K, unknown> {
  return typeof rule === "object" && rule !== null && !Array.isArray(rule) && key in rule;
}

function matchesValue(rule: unknown, value: unknown): boolean {
  if (typeof rule !== "object" || rule === null) return rule === value;
  if (isMatcher(rule, "prefix")) return typeof value === "string" && value.startsWith(String(rule.prefix));
  if (isMatcher(rule, "suffix")) return typeof value === "string" && value.endsWith(String(rule.suffix));
  if (isMatcher(rule, "equals-ignore-case")) {
    return typeof value === "string" && value.toLowerCase() === String(rule["equals-ignore-case"]).toLowerCase();
  }
  if (isMatcher(rule, "anything-but")) {
    const excluded = rule["anything-but"];
    return !(Array.isArray(excluded) ? excluded : [excluded]).some((entry) => matchesValue(entry, value));
  }
  throw new Error(`Unsupported event pattern matcher: ${JSON.stringify(rule)}`);
}

/** A bus subscription's pattern in SST's shape (`detailType`) as an EventBridge pattern (`detail-type`). */
export function busRulePattern(pattern: {
  readonly source?: readonly unknown[];
  readonly detailType?: readonly unknown[];
  readonly detail?: Readonly<Record<string, unknown>>;
}): EventPattern {
  return {
    ...(pattern.source ? { source: pattern.source } : {}),
    ...(pattern.detailType ? { "detail-type": pattern.detailType } : {}),
    ...(pattern.detail ? { detail: pattern.detail as EventPattern } : {}),
  };
}
