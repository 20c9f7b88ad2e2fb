import type { TransactionAction } from "../../platform/transactions";
import type { AssociableType } from "./association.constants";

/**
 * What links need of the kind of record they point at, given by that kind's own module (`contactLinks`,
 * `companyLinks`, `dealLinks`), so that this module knows no contact, company or deal: the record's link count,
 * which its deletion checks, and whether it exists.
 */
export type LinkTarget<T extends AssociableType = AssociableType> = {
  readonly type: T;
  /** Adds `delta` to a record's link count; the patch's existence condition fails when the record does not exist. */
  countLinks(orgId: string, id: string, delta: number): TransactionAction;
  /** A transaction action that only checks that a record exists. */
  existenceCheck(orgId: string, id: string): TransactionAction;
  /** Whether a record exists (false for an id of another type): one GetItem of its key alone. */
  exists(orgId: string, id: string): Promise<boolean>;
};
