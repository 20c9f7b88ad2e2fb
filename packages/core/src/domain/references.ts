import { UniqueValueEntity } from "../capabilities/unique/unique-value.entity";
import { WebhookSubscriptionEntity } from "../features/webhook/webhook.entity";
import { DuplicateError, ValidationError } from "../platform/errors";
import { inTransaction } from "../platform/table";
import { type CancellationReason, failedCondition } from "../platform/transactions";
import { CompanyEntity } from "./company/company.entity";
import { ContactEntity } from "./contact/contact.entity";
import { MemberEntity } from "./member/member.entity";

/**
 * A rule a write must satisfy besides its own condition, checked inside the same transaction so that it holds under
 * concurrency: a unique value is reserved, the owner (or another named member) is a member, the linked company
 * exists, the webhook is one of the organisation's. `path` names the field a failure is reported on.
 */
export type Reference =
  | { kind: "unique"; uniqueKind: "contact-email" | "company-domain"; field: string; value: string }
  | { kind: "owner"; memberId: string }
  | { kind: "member"; memberId: string; path: string }
  | { kind: "company"; companyId: string }
  | { kind: "contact"; contactId: string; path: string }
  | { kind: "webhook"; webhookId: string; path: string };

type Owner = { type: "contact" | "company" | "deal" | "activity" | "rule"; id: string };

/** The transaction actions that check `references`, in the same order. */
export function referenceActions(orgId: string, owner: Owner, references: Reference[]) {
  return references.map((reference) => {
    switch (reference.kind) {
      case "unique":
        if (owner.type !== "contact" && owner.type !== "company") {
          throw new Error("Only contacts and companies reserve unique values.");
        }
        return inTransaction(UniqueValueEntity)
          .create({
            orgId,
            kind: reference.uniqueKind,
            value: reference.value,
            ownerType: owner.type,
            ownerId: owner.id,
          })
          .commit({ response: "all_old" });
      case "owner":
      case "member":
        return inTransaction(MemberEntity)
          .check({ orgId, memberId: reference.memberId })
          .where((attributes, { exists }) => exists(attributes.memberId))
          .commit();
      case "company":
        return inTransaction(CompanyEntity)
          .check({ orgId, companyId: reference.companyId })
          .where((attributes, { exists }) => exists(attributes.companyId))
          .commit();
      case "contact":
        return inTransaction(ContactEntity)
          .check({ orgId, contactId: reference.contactId })
          .where((attributes, { exists }) => exists(attributes.contactId))
          .commit();
      case "webhook":
        return inTransaction(WebhookSubscriptionEntity)
          .check({ orgId, webhookId: reference.webhookId })
          .where((attributes, { exists }) => exists(attributes.webhookId))
          .commit();
      default:
        return reference satisfies never;
    }
  });
}

/** Releases reserved unique values, only where the sentinel still belongs to `owner`. */
export function releaseUniqueValues(
  orgId: string,
  owner: Owner,
  kind: "contact-email" | "company-domain",
  values: string[],
) {
  return values.map((value) =>
    inTransaction(UniqueValueEntity)
      .delete({ orgId, kind, value })
      .where((attributes, { eq }) => eq(attributes.ownerId, owner.id))
      .commit(),
  );
}

/** The domain error for the first failed reference, given that references start at action `offset`. */
export function referenceError(reasons: CancellationReason[], references: Reference[], offset: number) {
  for (const [position, reference] of references.entries()) {
    if (!failedCondition(reasons, position + offset)) continue;
    switch (reference.kind) {
      case "unique": {
        const existing = reasons[position + offset]?.item as { ownerType?: string; ownerId?: string } | null;
        return new DuplicateError(reference.field, reference.value, {
          type: existing?.ownerType ?? "record",
          id: existing?.ownerId ?? "unknown",
        });
      }
      case "owner":
        return new ValidationError([{ path: "body.ownerId", message: "Must be a member of this organisation." }]);
      case "member":
        return new ValidationError([{ path: reference.path, message: "Must be a member of this organisation." }]);
      case "company":
        return new ValidationError([
          { path: "body.companyId", message: "No company with this id exists in this organisation." },
        ]);
      case "contact":
        return new ValidationError([
          { path: reference.path, message: "No contact with this id exists in this organisation." },
        ]);
      case "webhook":
        return new ValidationError([
          { path: reference.path, message: "No webhook with this id exists in this organisation." },
        ]);
    }
  }
  return null;
}
