import type { TenantContext } from "../../platform/request-context";
import type { AssociableType } from "./association.constants";

type LinkedRecord = { type: AssociableType; id: string };

/** The kinds of record that hold links to others, and so must let go of a record that is deleted. */
export type LinkHolder = "contact" | "deal" | "activity" | "file";

/** How one kind of link holder lets go of a deleted record, and takes it back when it is restored. */
export type LinkCascade = {
  /** The record types its links can point at. */
  readonly holds: readonly AssociableType[];
  /** Takes `record` off every holder of this kind (a transaction each, so a retry continues); their ids. */
  detach(context: TenantContext, record: LinkedRecord): Promise<string[]>;
  /** Links `record` again to those of `holderIds` that still exist and have room for it. */
  relink(context: TenantContext, record: LinkedRecord, holderIds: string[]): Promise<void>;
  /** The holders of this kind that link to `record`, read strongly consistently. */
  holders(context: TenantContext, record: LinkedRecord): Promise<string[]>;
  /**
   * Moves every link of this kind from `from` to `to` (a merge), each holder in a transaction of its own and
   * idempotently: `to` is linked before `from` is let go, so an interrupted move loses nothing and a repeat
   * continues. A holder with no room for `to` keeps neither (see the README's known limitations).
   */
  move(context: TenantContext, from: LinkedRecord, to: LinkedRecord): Promise<void>;
};

/** What a deleted record was linked from, per kind of holder: kept in its trash item for the restore. */
export type FormerLinks = Partial<Record<LinkHolder, string[]>>;

/**
 * The registry of link cascades. Deleting or restoring a record runs them without this module (or the record's)
 * knowing the holders' services: the composition module registers every kind, so no domain imports another's.
 */
const cascades = new Map<LinkHolder, LinkCascade>();

/** Registers how a kind of holder lets go of records (composition/cascades.ts registers them all). */
export function registerLinkCascade(holder: LinkHolder, cascade: LinkCascade): void {
  cascades.set(holder, cascade);
}

function cascadesFor(record: LinkedRecord): [LinkHolder, LinkCascade][] {
  if (cascades.size === 0) {
    throw new Error("No link cascades are registered: a function that deletes or restores records must import them.");
  }
  return [...cascades].filter(([, cascade]) => cascade.holds.includes(record.type));
}

/** Takes a record off everything that links to it, holder kind by holder kind; what it was linked from. */
export async function detachFromHolders(context: TenantContext, record: LinkedRecord): Promise<FormerLinks> {
  const former: FormerLinks = {};
  for (const [holder, cascade] of cascadesFor(record)) former[holder] = await cascade.detach(context, record);
  return former;
}

/** Links a restored record again to the holders it was taken off, where they still exist. */
export async function relinkToHolders(context: TenantContext, record: LinkedRecord, former: FormerLinks) {
  for (const [holder, cascade] of cascadesFor(record)) await cascade.relink(context, record, former[holder] ?? []);
}

/** What links to a record, per kind of holder (what a merge would move). */
export async function holdersOf(context: TenantContext, record: LinkedRecord): Promise<FormerLinks> {
  const holders: FormerLinks = {};
  for (const [holder, cascade] of cascadesFor(record)) holders[holder] = await cascade.holders(context, record);
  return holders;
}

/** Moves every link to `from` onto `to`, holder kind by holder kind (a merge). */
export async function moveLinks(context: TenantContext, from: LinkedRecord, to: LinkedRecord): Promise<void> {
  for (const [, cascade] of cascadesFor(from)) await cascade.move(context, from, to);
}

/** Replaces `from` by `to` in a list of ids, keeping its place and each id once. */
export function replacedId(ids: readonly string[], from: string, to: string): string[] {
  return [...new Set(ids.map((id) => (id === from ? to : id)))];
}
