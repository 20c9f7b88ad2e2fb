import type { CreateEntityItem } from "electrodb";
import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { assertCanDelete, assertCanReassign, assertCanWrite } from "../../capabilities/authorization/policy";
import {
  customFieldValuesAfterWrite,
  storedCustomFields,
  storedSearchedCustomFields,
  valuesOfLiveFields,
} from "../../capabilities/custom-fields/custom-field.service";
import { matchKeySteps, retryingMatchKeyRaces } from "../../capabilities/duplicates/match-key.service";
import { matchKeysOfContact } from "../../capabilities/duplicates/match-keys";
import { forgetMergedRecordAction } from "../../capabilities/duplicates/merged-records";
import { searchDocumentOfContact, searchTermActions } from "../../capabilities/search/search.service";
import { moveToTrashAction, takeFromTrashAction } from "../../capabilities/trash/trash-actions";
import { type ChangeStep, changeSet, step, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, DomainError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import { newRecordOwner, type TenantContext } from "../../platform/request-context";
import { sortKeyOf } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { AssociationEntity } from "../association/association.entity";
import { type LinkPlan, linkedRecords, linkPlanSteps, planLinks } from "../association/association.service";
import { detachFromHolders, type LinkCascade, relinkToHolders, replacedId } from "../association/link-cascades";
import { noCompany } from "../company/company.constants";
import { CompanyEntity } from "../company/company.entity";
import { companyLinks } from "../company/company.links";
import { type Reference, referenceSteps, releaseUniqueValues, withCustomFieldMembers } from "../references";
import { ContactEntity } from "./contact.entity";
import { type ContactItem, companiesOf, getContact, loadContact, toContact } from "./contact.queries";
import type { Contact, CreateContactInput, UpdateContactInput } from "./contact.schema";

/** What is written: the stored item, with the hidden key attributes that reads do not return. */
type NewContact = CreateEntityItem<typeof ContactEntity>;

/** The fields of a contact that its audit history tracks. */
export const auditedFields = [
  "firstName",
  "lastName",
  "emails",
  "phones",
  "title",
  "ownerId",
  "companyId",
  "companyIds",
  "tags",
  "customFields",
] as const;

export const contactLabel = (contact: Pick<ContactItem, "firstName" | "lastName" | "emails">) =>
  [contact.firstName, contact.lastName].filter(Boolean).join(" ") || contact.emails[0] || "(no name)";

/**
 * The contact's companies after a write: `companyIds` replaces the list; `companyId` makes a company the primary
 * (first), or with null drops the current primary.
 */
function nextCompanies(current: string[], input: { companyId?: string | null; companyIds?: string[] }): string[] {
  let companies = input.companyIds ?? current;
  if (input.companyId === null) companies = companies.filter((id) => id !== current[0]);
  if (input.companyId) companies = [input.companyId, ...companies.filter((id) => id !== input.companyId)];
  if (companies.length > 10) {
    throw new ValidationError([{ path: "body.companyIds", message: "A contact has at most 10 companies." }]);
  }
  return companies;
}

export const companyPlan = (contactId: string, before: string[], after: string[]): LinkPlan =>
  planLinks({ type: "contact", id: contactId }, companyLinks, before, after, true);

/** A linked company that does not exist, reported on the field that named it (`companyId` or `companyIds`). */
const missingCompany =
  (input: { companyId?: string | null; companyIds?: string[] }) =>
  (missing: string): ValidationError => {
    const field = missing === input.companyId && !input.companyIds?.includes(missing) ? "companyId" : "companyIds";
    return new ValidationError([
      { path: `body.${field}`, message: `No company with id ${missing} exists in this organisation.` },
    ]);
  };

const emailReference = (value: string): Reference => ({
  kind: "unique",
  uniqueKind: "contact-email",
  field: "email",
  value,
});

type MatchedContact = Parameters<typeof matchKeysOfContact>[0];

/** The steps that move a contact's duplicate match keys from `before` to `after` (null: it does not exist there). */
export function contactMatchKeySteps(
  orgId: string,
  contactId: string,
  before: MatchedContact | null,
  after: MatchedContact | null,
) {
  return matchKeySteps(orgId, "contact", [
    {
      recordId: contactId,
      before: before && matchKeysOfContact(before),
      after: after && matchKeysOfContact(after),
    },
  ]);
}

/** What search terms are made from (the item's emails and phones are always set on a new contact). */
type SearchedContact = Parameters<typeof searchDocumentOfContact>[0];

/**
 * What puts a new contact in place, created or restored: the item, its references, its company links (a missing
 * company reported by `missingCompany`) and its search terms.
 */
function newContactSteps(
  orgId: string,
  contact: NewContact & SearchedContact,
  references: Reference[],
  companyIds: string[],
  at: string,
  missingCompany?: (companyId: string) => Error,
): ChangeStep[] {
  return [
    step("contact", inTransaction(ContactEntity).create(contact).commit()),
    ...referenceSteps(orgId, { type: "contact", id: contact.contactId }, references),
    ...linkPlanSteps(orgId, companyPlan(contact.contactId, [], companyIds), at, missingCompany),
    ...steps(
      "search term",
      searchTermActions(
        orgId,
        { recordType: "contact", recordId: contact.contactId },
        null,
        searchDocumentOfContact(contact),
      ),
    ),
  ];
}

/**
 * Creates a contact. An importer may give the id (derived from what it imports), so that importing one row twice
 * collides on the key instead of making two contacts, also for a contact without an email.
 */
export async function createContact(
  context: TenantContext,
  input: CreateContactInput,
  options: { contactId?: string } = {},
): Promise<Contact> {
  assertCanWrite(context.actor);
  const { orgId, actor } = context;
  const at = now();
  const companies = nextCompanies([], input);
  const custom = await customFieldValuesAfterWrite(orgId, "contact", input.customFields, undefined, "create");
  const contact = {
    orgId,
    contactId: options.contactId ?? newId("contact"),
    firstName: input.firstName,
    lastName: input.lastName,
    emails: input.emails ?? [],
    phones: input.phones ?? [],
    title: input.title,
    ownerId: input.ownerId ?? newRecordOwner(actor),
    companyId: companies[0],
    companyIds: companies,
    companyKey: companies[0] ?? noCompany,
    tags: input.tags ?? [],
    customFields: storedCustomFields(custom?.values ?? {}),
    searchedCustomFields: custom ? storedSearchedCustomFields(custom) : undefined,
    sortName: sortKeyOf(input.lastName, input.firstName),
    version: 1,
    createdBy: actor.memberId,
    createdAt: at,
    updatedAt: at,
  } satisfies NewContact;
  const references = withCustomFieldMembers(
    [
      ...contact.emails.map((value) => emailReference(value)),
      ...(contact.ownerId !== actor.memberId ? [{ kind: "owner" as const, memberId: contact.ownerId }] : []),
    ],
    custom?.memberReferences ?? [],
  );
  await retryingMatchKeyRaces(async () =>
    changeSet()
      .addAll(newContactSteps(orgId, contact, references, companies, at, missingCompany(input)))
      .addAll(await contactMatchKeySteps(orgId, contact.contactId, null, contact))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "contact",
          recordId: contact.contactId,
          action: "created",
          changes: fieldChanges(null, contact, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("contact", contact.contactId)),
  );
  return toContact(contact);
}

export async function updateContact(
  context: TenantContext,
  contactId: string,
  input: UpdateContactInput,
  preconditions?: Preconditions,
): Promise<Contact> {
  assertCanWrite(context.actor);
  return retryingConflicts(async () => {
    const current = await loadContact(context, contactId);
    assertPreconditions(preconditions, current, "contact", contactId);
    if (input.ownerId !== undefined && input.ownerId !== current.ownerId) {
      assertCanReassign(context.actor, current, "contact");
    }
    const pick = <K extends keyof UpdateContactInput>(key: K, fallback: ContactItem[K & keyof ContactItem]) =>
      input[key] === undefined ? fallback : (input[key] ?? undefined);
    const companies = nextCompanies(companiesOf(current), input);
    const custom = await customFieldValuesAfterWrite(
      context.orgId,
      "contact",
      input.customFields,
      current.customFields as Record<string, unknown> | undefined,
      "update",
    );
    const customFields = custom ? storedCustomFields(custom.values) : current.customFields;
    const searchedCustomFields = custom ? storedSearchedCustomFields(custom) : current.searchedCustomFields;
    const next: ContactItem = {
      ...current,
      firstName: pick("firstName", current.firstName) as string | undefined,
      lastName: pick("lastName", current.lastName) as string | undefined,
      emails: input.emails ?? current.emails,
      phones: input.phones ?? current.phones,
      title: pick("title", current.title) as string | undefined,
      ownerId: input.ownerId ?? current.ownerId,
      companyId: companies[0],
      companyIds: companies,
      tags: input.tags ?? current.tags,
      customFields,
      searchedCustomFields,
      version: current.version + 1,
      updatedAt: now(),
    };
    const companyKey = next.companyId ?? noCompany;
    const sortName = sortKeyOf(next.lastName, next.firstName);
    if (!next.firstName && !next.lastName && next.emails.length === 0) {
      throw new ValidationError([{ path: "body", message: "A contact needs a first name, a last name or an email." }]);
    }

    const addedEmails = next.emails.filter((email) => !current.emails.includes(email));
    const removedEmails = current.emails.filter((email) => !next.emails.includes(email));
    const references = withCustomFieldMembers(
      [
        ...addedEmails.map((value) => emailReference(value)),
        ...(next.ownerId !== current.ownerId ? [{ kind: "owner" as const, memberId: next.ownerId }] : []),
      ],
      custom?.memberReferences ?? [],
    );
    const plan = companyPlan(contactId, companiesOf(current), companies);
    const { orgId } = context;
    const cleared = (
      ["firstName", "lastName", "title", "companyId", "customFields", "searchedCustomFields"] as const
    ).filter((field) => next[field] === undefined);
    await changeSet()
      .add(
        "contact",
        inTransaction(ContactEntity)
          .patch({ orgId, contactId })
          .set({
            ...(next.firstName !== undefined ? { firstName: next.firstName } : {}),
            ...(next.lastName !== undefined ? { lastName: next.lastName } : {}),
            ...(next.title !== undefined ? { title: next.title } : {}),
            ...(next.companyId !== undefined ? { companyId: next.companyId } : {}),
            ...(next.customFields !== undefined ? { customFields: next.customFields } : {}),
            ...(next.searchedCustomFields !== undefined ? { searchedCustomFields: next.searchedCustomFields } : {}),
            emails: next.emails,
            phones: next.phones,
            ownerId: next.ownerId,
            companyIds: next.companyIds,
            companyKey,
            tags: next.tags,
            sortName,
            version: next.version,
            updatedAt: next.updatedAt,
          })
          .remove([...cleared])
          .where((attributes, { eq }) => eq(attributes.version, current.version))
          .commit(),
      )
      .addAll(referenceSteps(orgId, { type: "contact", id: contactId }, references))
      .addAll(linkPlanSteps(orgId, plan, next.updatedAt, missingCompany(input)))
      .addAll(releaseUniqueValues(orgId, { type: "contact", id: contactId }, "contact-email", removedEmails))
      .addAll(
        steps(
          "search term",
          searchTermActions(
            orgId,
            { recordType: "contact", recordId: contactId },
            searchDocumentOfContact(current),
            searchDocumentOfContact(next),
          ),
        ),
      )
      .addAll(await contactMatchKeySteps(orgId, contactId, current, next))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "contact",
          recordId: contactId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("contact", contactId));
    return toContact(next);
  });
}

/**
 * Deletes a contact with everything that points at it: it is first taken off its deals and activities (one
 * transaction each, so a retry continues where it stopped), then the contact, its company links, its email
 * reservations and search terms go in one transaction that also requires no link to have appeared meanwhile.
 */
export async function deleteContact(
  context: TenantContext,
  contactId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const first = await loadContact(context, contactId);
  assertPreconditions(preconditions, first, "contact", contactId);
  assertCanDelete(context.actor, first, "contact");
  const record = { type: "contact" as const, id: contactId };
  const former = await detachFromHolders(context, record);
  const formerDealIds = former.deal ?? [];
  const formerActivityIds = former.activity ?? [];
  const formerFileIds = former.file ?? [];
  await retryingMatchKeyRaces(async () => {
    const current = await loadContact(context, contactId);
    assertPreconditions(preconditions, current, "contact", contactId);
    const { orgId } = context;
    const plan = companyPlan(contactId, companiesOf(current), []);
    await changeSet()
      .add(
        "contact",
        inTransaction(ContactEntity)
          .delete({ orgId, contactId })
          .where(
            (attributes, { eq, notExists }) =>
              `${eq(attributes.version, current.version)} AND (${notExists(attributes.linkCount)} OR ${eq(attributes.linkCount, 0)})`,
          )
          .commit(),
      )
      .addAll(linkPlanSteps(orgId, plan, now()))
      .addAll(releaseUniqueValues(orgId, record, "contact-email", current.emails))
      .addAll(await contactMatchKeySteps(orgId, contactId, current, null))
      .addAll(
        steps(
          "search term",
          searchTermActions(
            orgId,
            { recordType: "contact", recordId: contactId },
            searchDocumentOfContact(current),
            null,
          ),
        ),
      )
      .add(
        "move to trash",
        moveToTrashAction(
          context,
          {
            type: "contact",
            id: contactId,
            label: contactLabel(current),
            snapshot: { ...current, formerDealIds, formerActivityIds, formerFileIds },
          },
          now(),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "contact",
          recordId: contactId,
          action: "deleted",
          changes: fieldChanges(current, null, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("contact", contactId));
  });
}

/**
 * Takes a company that is being deleted off its contacts, 12 contacts per transaction: each needs up to eight
 * actions (its change, both link directions, the primary flag moving to its next company, its name match key out of
 * the company and into the next one, its audit entry), plus one count change on the company, within DynamoDB's 100.
 */
export async function detachCompanyFromContacts(context: TenantContext, companyId: string): Promise<void> {
  const { orgId } = context;
  const company = { type: "company" as const, id: companyId };
  const linked = await linkedRecords(orgId, company, "contact");
  for (let start = 0; start < linked.length; start += 12) {
    await retryingMatchKeyRaces(async () => {
      const { data } = await ContactEntity.get(
        linked.slice(start, start + 12).map(({ id }) => ({ orgId, contactId: id })),
      ).go({ consistent: true });
      const contacts = data.filter((contact) => companiesOf(contact).includes(companyId));
      if (contacts.length === 0) return;
      const at = now();
      const nameKeySteps = await matchKeySteps(
        orgId,
        "contact",
        contacts.map((contact) => ({
          recordId: contact.contactId,
          before: matchKeysOfContact(contact),
          after: matchKeysOfContact({
            ...contact,
            companyId: companiesOf(contact).filter((id) => id !== companyId)[0],
          }),
        })),
      );
      await changeSet()
        .addAll(
          steps(
            "contact off company",
            contacts.flatMap((contact) => {
              const companies = companiesOf(contact).filter((id) => id !== companyId);
              const next = { ...contact, companyIds: companies, companyId: companies[0], version: contact.version + 1 };
              const promoted = companies[0] && companies[0] !== companiesOf(contact)[0] ? [companies[0]] : [];
              return [
                inTransaction(ContactEntity)
                  .patch({ orgId, contactId: contact.contactId })
                  .set({
                    companyIds: companies,
                    companyKey: companies[0] ?? noCompany,
                    ...(companies[0] ? { companyId: companies[0] } : {}),
                    version: next.version,
                    updatedAt: at,
                  })
                  .remove(companies[0] ? [] : ["companyId"])
                  .where((attributes, { eq }) => eq(attributes.version, contact.version))
                  .commit(),
                inTransaction(AssociationEntity)
                  .delete({ orgId, recordId: contact.contactId, relatedId: companyId })
                  .commit(),
                inTransaction(AssociationEntity)
                  .delete({ orgId, recordId: companyId, relatedId: contact.contactId })
                  .commit(),
                // The contact's next company becomes its primary one: both directions carry the flag.
                ...promoted.flatMap((promotedId) => [
                  inTransaction(AssociationEntity)
                    .patch({ orgId, recordId: contact.contactId, relatedId: promotedId })
                    .set({ primary: true })
                    .commit(),
                  inTransaction(AssociationEntity)
                    .patch({ orgId, recordId: promotedId, relatedId: contact.contactId })
                    .set({ primary: true })
                    .commit(),
                ]),
                auditAction(context, {
                  recordType: "contact",
                  recordId: contact.contactId,
                  action: "updated",
                  changes: fieldChanges(contact, next, ["companyId", "companyIds"]),
                }),
              ];
            }),
          ),
        )
        .addAll(nameKeySteps)
        .add("company", companyLinks.countLinks(orgId, companyId, -contacts.length))
        .commit(() => new ConcurrentModificationError("company", companyId));
    });
  }
}

/**
 * Restores a contact from the trash with its id, fields and history: its emails are reserved again (409 if one was
 * taken meanwhile), its companies that still exist are linked again, and so are its former deals where they still
 * exist and have room.
 */
export async function restoreContact(
  context: TenantContext,
  snapshot: ContactItem & { formerDealIds?: string[]; formerActivityIds?: string[]; formerFileIds?: string[] },
): Promise<Contact> {
  const { orgId } = context;
  const { data: companies } = await CompanyEntity.get(
    companiesOf(snapshot).map((companyId) => ({ orgId, companyId })),
  ).go({ consistent: true, attributes: ["companyId"], preserveBatchOrder: true });
  const existing = companies.flatMap((company) => (company ? [company.companyId] : []));
  const at = now();
  const { formerDealIds = [], formerActivityIds = [], formerFileIds = [], mergedInto: _merged, ...stored } = snapshot;
  const contact = {
    ...stored,
    customFields: await valuesOfLiveFields(orgId, "contact", stored.customFields),
    companyIds: existing,
    companyId: existing[0],
    companyKey: existing[0] ?? noCompany,
    sortName: sortKeyOf(snapshot.lastName, snapshot.firstName),
    linkCount: 0,
    version: snapshot.version + 1,
    updatedAt: at,
  } satisfies NewContact;
  const references = contact.emails.map((value) => emailReference(value));
  await retryingMatchKeyRaces(async () =>
    changeSet()
      .addAll(newContactSteps(orgId, contact, references, existing, at))
      .addAll(await contactMatchKeySteps(orgId, contact.contactId, null, contact))
      .add("take from trash", takeFromTrashAction(orgId, contact.contactId))
      .add("forget merge", forgetMergedRecordAction(orgId, contact.contactId))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "contact",
          recordId: contact.contactId,
          action: "restored",
          changes: fieldChanges(null, contact, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("contact", contact.contactId)),
  );
  await relinkToHolders(
    context,
    { type: "contact", id: contact.contactId },
    {
      deal: formerDealIds,
      activity: formerActivityIds,
      file: formerFileIds,
    },
  );
  return getContact(context, contact.contactId);
}

/** Links a restored company to its former contacts again (after their other companies), where they still exist. */
export async function relinkCompanyToContacts(context: TenantContext, companyId: string, contactIds: string[]) {
  for (const contactId of contactIds) {
    try {
      const contact = await loadContact(context, contactId);
      const companies = companiesOf(contact);
      if (!companies.includes(companyId) && companies.length < 10) {
        await updateContact(context, contactId, { companyIds: [...companies, companyId] });
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
}

/** How contacts let go of a deleted company and take it back on restore (registered by the composition module). */
export const contactLinkCascade: LinkCascade = {
  holds: ["company"],
  detach: async (context, company) => {
    const contactIds = (await linkedRecords(context.orgId, company, "contact")).map((contact) => contact.id);
    await detachCompanyFromContacts(context, company.id);
    return contactIds;
  },
  relink: (context, company, contactIds) => relinkCompanyToContacts(context, company.id, contactIds),
  holders: async (context, company) =>
    (await linkedRecords(context.orgId, company, "contact")).map((contact) => contact.id),
  move: async (context, from, to) => {
    for (const { id } of await linkedRecords(context.orgId, from, "contact")) {
      try {
        const companies = companiesOf(await loadContact(context, id));
        if (companies.includes(from.id)) {
          await updateContact(context, id, { companyIds: replacedId(companies, from.id, to.id) });
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
  },
};
