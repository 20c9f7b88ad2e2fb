import { createHash } from "node:crypto";
import { UniqueValueEntity } from "../../capabilities/unique/unique-value.entity";
import { type CreateActivityInput, createActivityInput } from "../../domain/activity/activity.schema";
import { createActivity } from "../../domain/activity/activity.service";
import { ContactEntity } from "../../domain/contact/contact.entity";
import { companiesOf } from "../../domain/contact/contact.queries";
import { step } from "../../platform/change-set";
import { ValidationError } from "../../platform/errors";
import { normaliseEmail } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";

/** At most this many contacts and companies each on one synced activity (an activity links to at most 20). */
const linksPerKind = 10;

/** The activity for this provider id exists already: synced before, or by another member. */
class AlreadySyncedError extends Error {
  override readonly name = "AlreadySyncedError";
  constructor(readonly activityId: string | undefined) {
    super("Already synced.");
  }
}

export type SyncOutcome = "created" | "duplicate" | "unmatched";

/** The contacts of the organisation with one of these addresses, and their primary companies. */
export async function contactsWithAddresses(
  orgId: string,
  addresses: readonly string[],
): Promise<{ contactIds: string[]; companyIds: string[] }> {
  const unique = [...new Set(addresses.map(normaliseEmail))].filter((address) => address.includes("@"));
  const owners = await Promise.all(
    unique.map(async (value) => {
      const { data } = await UniqueValueEntity.get({ orgId, kind: "contact-email", value }).go();
      return data?.ownerId;
    }),
  );
  const contactIds = [...new Set(owners.filter((id): id is string => id !== undefined))].slice(0, linksPerKind);
  const contacts = await Promise.all(
    contactIds.map(async (contactId) => (await ContactEntity.get({ orgId, contactId }).go()).data),
  );
  const companyIds = [
    ...new Set(contacts.flatMap((contact) => (contact ? companiesOf(contact).slice(0, 1) : []))),
  ].slice(0, linksPerKind);
  return { contactIds, companyIds };
}

/** A provider's id as a claim key: hashed, so that any id fits a key and none is stored in the clear. */
export const claimKeyOf = (providerId: string) => createHash("sha256").update(providerId).digest("base64url");

/** The activity a synced email or event became, if any. */
export async function activityClaimedBy(
  orgId: string,
  kind: "synced-email" | "synced-event",
  key: string,
): Promise<string | undefined> {
  const { data } = await UniqueValueEntity.get({ orgId, kind, value: key }).go({ consistent: true });
  return data?.ownerId;
}

/**
 * Creates the activity of something synced, exactly once per provider id: the claim on the id is part of the
 * activity's own transaction, so a second sync of the same message (another run, another member's mailbox) finds
 * it taken and creates nothing. An activity that no longer validates (its contact deleted meanwhile) is skipped.
 */
export async function createSyncedActivity(
  context: TenantContext,
  claim: { kind: "synced-email" | "synced-event"; key: string },
  input: Omit<CreateActivityInput, "contactIds" | "companyIds"> & { contactIds: string[]; companyIds: string[] },
): Promise<SyncOutcome> {
  if (input.contactIds.length === 0) return "unmatched";
  const parsed = createActivityInput.safeParse(input);
  if (!parsed.success) return "unmatched";
  try {
    await createActivity(context, parsed.data, (activityId) => [
      step(
        "synced id",
        inTransaction(UniqueValueEntity)
          .create({
            orgId: context.orgId,
            kind: claim.kind,
            value: claim.key,
            ownerType: "activity",
            ownerId: activityId,
          })
          .commit(),
        (seen) => new AlreadySyncedError((seen as { ownerId?: string } | undefined)?.ownerId),
      ),
    ]);
    return "created";
  } catch (error) {
    if (error instanceof AlreadySyncedError) return "duplicate";
    if (error instanceof ValidationError) return "unmatched";
    throw error;
  }
}

/**
 * Points one more key at an activity already synced, e.g. one calendar's own event id at the meeting claimed by its
 * iCalUID: Google's cancellations carry only the event id. It only names an existing activity, so it needs no
 * transaction with it; writing it again is harmless.
 */
export async function rememberSyncedActivity(
  orgId: string,
  claim: { kind: "synced-email" | "synced-event"; key: string },
  activityId: string,
): Promise<void> {
  await UniqueValueEntity.put({
    orgId,
    kind: claim.kind,
    value: claim.key,
    ownerType: "activity",
    ownerId: activityId,
  }).go();
}
