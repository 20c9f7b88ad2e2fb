/** Why each action of a canceled TransactWriteItems did not apply, in the order the actions were given. */
export type CancellationReason = { code: string; item: unknown };

type TransactionOutcome = { canceled: boolean; data: ReadonlyArray<{ code?: string; item?: unknown }> };

/**
 * ElectroDB resolves, rather than throws, when a transaction is canceled. Returns null when it committed, or the
 * reasons; callers turn the failed condition at a known position into the matching domain error.
 */
export function cancellationReasons(outcome: TransactionOutcome): CancellationReason[] | null {
  if (!outcome.canceled) return null;
  return outcome.data.map((entry) => ({ code: entry.code ?? "None", item: entry.item ?? null }));
}

export function failedCondition(reasons: CancellationReason[], index: number): boolean {
  return reasons[index]?.code === "ConditionalCheckFailed";
}

/** True when DynamoDB canceled because another transaction touched the same items (safe to retry). */
export function conflicted(reasons: CancellationReason[]): boolean {
  return reasons.some((reason) => reason.code === "TransactionConflict");
}
