import { type TransactionAction, writeTransaction } from "./transactions";

/**
 * One step of a change set: a transaction action under a label (the record, a reference, a link, a search term,
 * the audit entry), and what it means when its condition fails: the domain error to report, built from the item
 * the condition saw (steps that ask for it with `response: "all_old"`).
 */
export type ChangeStep = {
  readonly label: string;
  readonly action: TransactionAction;
  readonly refused?: (seen: unknown) => Error;
};

/** A step under a label, optionally with the error its failed condition means. */
export function step(label: string, action: TransactionAction, refused?: (seen: unknown) => Error): ChangeStep {
  return refused ? { label, action, refused } : { label, action };
}

/** Steps under one label whose failure means nothing more than that something changed meanwhile. */
export function steps(label: string, actions: Iterable<TransactionAction>): ChangeStep[] {
  return [...actions].map((action) => ({ label, action }));
}

/**
 * What an attempt to commit came to: committed, or canceled with the labels of the steps whose conditions failed
 * (none when only conflicts with other transactions canceled it).
 */
export type CommitOutcome = { readonly committed: true } | { readonly committed: false; refused: ReadonlySet<string> };

/**
 * A write transaction built as labelled steps rather than a positional array: each step says what its failure
 * means, so no caller decodes cancellation reasons by index. `commit` writes every step or none (one
 * TransactWriteItems; a cancellation only because another transaction touched the same items is retried), and
 * when a condition fails it throws the first refused step's error, else `otherwise()`: the record itself changed
 * or vanished meanwhile, which `retryingConflicts` callers retry on fresh data. `attempt` is for the callers to whom
 * a failed condition is an answer rather than an error (already subscribed, already gone): it says which steps
 * were refused.
 */
export class ChangeSet {
  readonly #steps: ChangeStep[] = [];

  /** Adds a step; `refused` gives the domain error for its failed condition. */
  add(label: string, action: TransactionAction, refused?: (seen: unknown) => Error): this {
    this.#steps.push(step(label, action, refused));
    return this;
  }

  /** Adds steps built elsewhere (references, links, search terms), keeping their labels and errors. */
  addAll(steps: Iterable<ChangeStep>): this {
    for (const each of steps) this.#steps.push(each);
    return this;
  }

  /** The labels in order, for tests and logs. */
  get labels(): string[] {
    return this.#steps.map((each) => each.label);
  }

  /** Writes every step or none; throws the first refused step's error, or `otherwise()`. */
  async commit(otherwise: () => Error): Promise<void> {
    const refusals = await this.#write();
    if (!refusals) return;
    for (const { step: each, seen } of refusals) if (each.refused) throw each.refused(seen);
    throw otherwise();
  }

  /** Writes every step or none, and says which steps' conditions failed if none was written. */
  async attempt(): Promise<CommitOutcome> {
    const refusals = await this.#write();
    if (!refusals) return { committed: true };
    return { committed: false, refused: new Set(refusals.map(({ step: each }) => each.label)) };
  }

  /** Null when the transaction committed, else its steps whose conditions failed, in order, with what they saw. */
  async #write(): Promise<{ step: ChangeStep; seen: unknown }[] | null> {
    const reasons = await writeTransaction(this.#steps.map((each) => each.action));
    if (!reasons) return null;
    return this.#steps.flatMap((each, position) => {
      const reason = reasons[position];
      return reason?.code === "ConditionalCheckFailed" ? [{ step: each, seen: reason.item }] : [];
    });
  }
}

/** A new, empty change set. */
export function changeSet(): ChangeSet {
  return new ChangeSet();
}
