import type { CreateEntityItem, EntityItem } from "electrodb";
import { auditAction, fieldChanges } from "../audit/audit.service";
import { assertCanDelete, assertCanReassign, assertCanWrite } from "../authorization/policy";
import { now } from "../platform/clock";
import { queryFingerprint } from "../platform/cursor";
import { db } from "../platform/database";
import { ConcurrentModificationError, NotFoundError, ValidationError } from "../platform/errors";
import { assertPreconditions, type Preconditions } from "../platform/etag";
import { isIdOf, newId } from "../platform/ids";
import { allOf, type QueryPage, readPage } from "../platform/paging";
import { type Reference, referenceActions, referenceError, releaseUniqueValues } from "../platform/references";
import type { TenantContext } from "../platform/request-context";
import { type Page, sortKeyOf } from "../platform/schema";
import { cancellationReasons } from "../platform/transactions";
import { searchDocumentOfContact, searchTermActions } from "../search/search.service";
import { type ContactEntity, noCompany } from "./contact.entity";
import type { Contact, CreateContactInput, ListContactsQuery, UpdateContactInput } from "./contact.schema";

type ContactItem = EntityItem<typeof ContactEntity>;
/** What is written: the stored item, with the hidden key attributes that reads do not return. */
type NewContact = CreateEntityItem<typeof ContactEntity>;

function toContact(item: ContactItem): Contact {
  return {
    id: item.contactId,
    firstName: item.firstName ?? null,
    lastName: item.lastName ?? null,
    emails: item.emails,
    phones: item.phones,
    title: item.title ?? null,
    ownerId: item.ownerId,
    companyId: item.companyId ?? null,
    tags: item.tags,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The fields of a contact that its audit history tracks. */
const auditedFields = ["firstName", "lastName", "emails", "phones", "title", "ownerId", "companyId", "tags"] as const;

const emailReference = (value: string): Reference => ({
  kind: "unique",
  uniqueKind: "contact-email",
  field: "email",
  value,
});

export async function createContact(context: TenantContext, input: CreateContactInput): Promise<Contact> {
  assertCanWrite(context.actor);
  const { orgId, actor } = context;
  const at = now();
  const contact = {
    orgId,
    contactId: newId("contact"),
    firstName: input.firstName,
    lastName: input.lastName,
    emails: input.emails ?? [],
    phones: input.phones ?? [],
    title: input.title,
    ownerId: input.ownerId ?? actor.memberId,
    companyId: input.companyId ?? undefined,
    companyKey: input.companyId ?? noCompany,
    tags: input.tags ?? [],
    sortName: sortKeyOf(input.lastName, input.firstName),
    version: 1,
    createdBy: actor.memberId,
    createdAt: at,
    updatedAt: at,
  } satisfies NewContact;
  const references: Reference[] = [
    ...contact.emails.map((value) => emailReference(value)),
    ...(contact.ownerId !== actor.memberId ? [{ kind: "owner" as const, memberId: contact.ownerId }] : []),
    ...(contact.companyId ? [{ kind: "company" as const, companyId: contact.companyId }] : []),
  ];
  const outcome = await db()
    .transaction.write((entities) => [
      entities.contact.create(contact).commit(),
      ...referenceActions(entities, orgId, { type: "contact", id: contact.contactId }, references),
      ...searchTermActions(
        entities,
        orgId,
        { recordType: "contact", recordId: contact.contactId },
        null,
        searchDocumentOfContact(contact),
      ),
      auditAction(entities, context, {
        recordType: "contact",
        recordId: contact.contactId,
        action: "created",
        changes: fieldChanges(null, contact, auditedFields),
      }),
    ])
    .go();
  const reasons = cancellationReasons(outcome);
  if (reasons)
    throw referenceError(reasons, references, 1) ?? new ConcurrentModificationError("contact", contact.contactId);
  return toContact(contact);
}

async function loadContact(context: TenantContext, contactId: string): Promise<ContactItem> {
  if (!isIdOf("contact", contactId)) throw new NotFoundError("contact", contactId);
  const { data } = await db().entities.contact.get({ orgId: context.orgId, contactId }).go({ consistent: true });
  if (!data) throw new NotFoundError("contact", contactId);
  return data;
}

export async function getContact(context: TenantContext, contactId: string): Promise<Contact> {
  return toContact(await loadContact(context, contactId));
}

export async function updateContact(
  context: TenantContext,
  contactId: string,
  input: UpdateContactInput,
  preconditions?: Preconditions,
): Promise<Contact> {
  assertCanWrite(context.actor);
  const current = await loadContact(context, contactId);
  assertPreconditions(preconditions, current, "contact", contactId);
  if (input.ownerId !== undefined && input.ownerId !== current.ownerId) {
    assertCanReassign(context.actor, current, "contact");
  }
  const pick = <K extends keyof UpdateContactInput>(key: K, fallback: ContactItem[K & keyof ContactItem]) =>
    input[key] === undefined ? fallback : (input[key] ?? undefined);
  const next: ContactItem = {
    ...current,
    firstName: pick("firstName", current.firstName) as string | undefined,
    lastName: pick("lastName", current.lastName) as string | undefined,
    emails: input.emails ?? current.emails,
    phones: input.phones ?? current.phones,
    title: pick("title", current.title) as string | undefined,
    ownerId: input.ownerId ?? current.ownerId,
    companyId: pick("companyId", current.companyId) as string | undefined,
    tags: input.tags ?? current.tags,
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
  const references: Reference[] = [
    ...addedEmails.map((value) => emailReference(value)),
    ...(next.ownerId !== current.ownerId ? [{ kind: "owner" as const, memberId: next.ownerId }] : []),
    ...(next.companyId && next.companyId !== current.companyId
      ? [{ kind: "company" as const, companyId: next.companyId }]
      : []),
  ];
  const { orgId } = context;
  const cleared = (["firstName", "lastName", "title", "companyId"] as const).filter(
    (field) => next[field] === undefined,
  );
  const outcome = await db()
    .transaction.write((entities) => [
      entities.contact
        .patch({ orgId, contactId })
        .set({
          ...(next.firstName !== undefined ? { firstName: next.firstName } : {}),
          ...(next.lastName !== undefined ? { lastName: next.lastName } : {}),
          ...(next.title !== undefined ? { title: next.title } : {}),
          ...(next.companyId !== undefined ? { companyId: next.companyId } : {}),
          emails: next.emails,
          phones: next.phones,
          ownerId: next.ownerId,
          companyKey,
          tags: next.tags,
          sortName,
          version: next.version,
          updatedAt: next.updatedAt,
        })
        .remove([...cleared])
        .where((attributes, { eq }) => eq(attributes.version, current.version))
        .commit(),
      ...referenceActions(entities, orgId, { type: "contact", id: contactId }, references),
      ...releaseUniqueValues(entities, orgId, { type: "contact", id: contactId }, "contact-email", removedEmails),
      ...searchTermActions(
        entities,
        orgId,
        { recordType: "contact", recordId: contactId },
        searchDocumentOfContact(current),
        searchDocumentOfContact(next),
      ),
      auditAction(entities, context, {
        recordType: "contact",
        recordId: contactId,
        action: "updated",
        changes: fieldChanges(current, next, auditedFields),
      }),
    ])
    .go();
  const reasons = cancellationReasons(outcome);
  if (reasons) throw referenceError(reasons, references, 1) ?? new ConcurrentModificationError("contact", contactId);
  return toContact(next);
}

export async function deleteContact(
  context: TenantContext,
  contactId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const current = await loadContact(context, contactId);
  assertPreconditions(preconditions, current, "contact", contactId);
  assertCanDelete(context.actor, current, "contact");
  const { orgId } = context;
  const outcome = await db()
    .transaction.write((entities) => [
      entities.contact
        .delete({ orgId, contactId })
        .where((attributes, { eq }) => eq(attributes.version, current.version))
        .commit(),
      ...releaseUniqueValues(entities, orgId, { type: "contact", id: contactId }, "contact-email", current.emails),
      ...searchTermActions(
        entities,
        orgId,
        { recordType: "contact", recordId: contactId },
        searchDocumentOfContact(current),
        null,
      ),
      auditAction(entities, context, {
        recordType: "contact",
        recordId: contactId,
        action: "deleted",
        changes: fieldChanges(current, null, auditedFields),
      }),
    ])
    .go();
  if (cancellationReasons(outcome)) throw new ConcurrentModificationError("contact", contactId);
}

/**
 * Lists contacts through the index that serves the sort and the most selective filter directly; the remaining
 * filters become a FilterExpression on that index (never a Scan).
 */
export async function listContacts(context: TenantContext, query: ListContactsQuery): Promise<Page<Contact>> {
  const { orgId } = context;
  const contacts = db().entities.contact.query;
  const order = query.sort.startsWith("-") ? "desc" : "asc";
  const byName = query.sort.endsWith("lastName");

  const indexed: "company" | "owner" | null = byName
    ? null
    : query.companyId
      ? "company"
      : query.ownerId
        ? "owner"
        : null;
  const filters = {
    ownerId: indexed === "owner" ? undefined : query.ownerId,
    companyId: indexed === "company" ? undefined : query.companyId,
    tag: query.tag,
  };
  const filtered = Object.values(filters).some((value) => value !== undefined);
  const base = byName
    ? contacts.contactsByName({ orgId })
    : indexed === "company"
      ? contacts.contactsByCompany({ orgId, companyKey: query.companyId ?? noCompany })
      : indexed === "owner"
        ? contacts.contactsByOwner({ orgId, ownerId: query.ownerId ?? "" })
        : contacts.contactsByCreation({ orgId });
  const withFilters = filtered
    ? base.where((attributes, { eq, contains }) =>
        allOf([
          filters.ownerId !== undefined ? eq(attributes.ownerId, filters.ownerId) : null,
          filters.companyId !== undefined ? eq(attributes.companyKey, filters.companyId) : null,
          filters.tag !== undefined ? contains(attributes.tags, filters.tag) : null,
        ]),
      )
    : base;
  const run: QueryPage<ContactItem> = ({ limit, cursor }) => withFilters.go({ limit, cursor, order });
  return readPage(run, {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "contacts", orgId, ...filters, indexed, sort: query.sort }),
    filtered,
    map: toContact,
  });
}
