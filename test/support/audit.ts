import { expect } from "vitest";
import { invoke } from "./api-events";
import type { TestOrganisation } from "./organisations";

export type TestAuditEntry = {
  action: string;
  changes: { field: string; before: unknown; after: unknown }[];
};

/** A record's audit entries after its creation (updates, stage moves), in no particular order. */
export async function changesOf(org: TestOrganisation, recordId: string): Promise<TestAuditEntry[]> {
  const history = await invoke("audit.list", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    query: { recordId, limit: "100" },
  });
  expect(history.status).toBe(200);
  expect(history.body.nextCursor).toBeNull();
  return (history.body.data as TestAuditEntry[]).filter((entry) => entry.action !== "created");
}

/**
 * Asserts that every recorded change of each field was made on top of the one before: starting from `initial`, each
 * value is the `before` of exactly one entry, and the chain uses up every entry and ends at `final`. A write made from
 * a stale read (a lost update) shows as two entries with the same `before`, and breaks the chain. The fields' values
 * along the chain must be distinct, so that the next link is never ambiguous.
 */
export function expectUnbrokenHistory(
  entries: TestAuditEntry[],
  fields: readonly string[],
  initial: Record<string, unknown>,
  final: Record<string, unknown>,
) {
  for (const field of fields) {
    const remaining = entries.flatMap((entry) => entry.changes.filter((change) => change.field === field));
    let value = JSON.stringify(initial[field] ?? null);
    while (remaining.length > 0) {
      const next = remaining.findIndex((change) => JSON.stringify(change.before) === value);
      expect(next, `${field}: no change starts from ${value}; left: ${JSON.stringify(remaining)}`).toBeGreaterThan(-1);
      value = JSON.stringify(remaining[next]?.after);
      remaining.splice(next, 1);
    }
    expect(value, field).toBe(JSON.stringify(final[field] ?? null));
  }
}
