import type { EntityItem } from "electrodb";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { allOf, type QueryPage, readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { noCompany } from "../company/company.constants";
import { ContactEntity } from "./contact.entity";
import type { Contact, ListContactsQuery } from "./contact.schema";

export type ContactItem = EntityItem<typeof ContactEntity>;

export function toContact(item: ContactItem): Contact {
  return {
    id: item.contactId,
    firstName: item.firstName ?? null,
    lastName: item.lastName ?? null,
    emails: item.emails,
    phones: item.phones,
    title: item.title ?? null,
    ownerId: item.ownerId,
    companyId: item.companyId ?? null,
    companyIds: companiesOf(item),
    lastActivityAt: item.lastActivityAt ?? null,
    tags: item.tags,
    customFields: (item.customFields as Record<string, unknown> | undefined) ?? {},
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The contact's companies, primary first (contacts written before companyIds existed have only companyId). */
export function companiesOf(contact: Pick<ContactItem, "companyId" | "companyIds">): string[] {
  if (contact.companyIds.length > 0) return contact.companyIds;
  return contact.companyId ? [contact.companyId] : [];
}

export async function loadContact(context: TenantContext, contactId: string): Promise<ContactItem> {
  if (!isIdOf("contact", contactId)) throw new NotFoundError("contact", contactId);
  const { data } = await ContactEntity.get({ orgId: context.orgId, contactId }).go({ consistent: true });
  if (!data) throw new NotFoundError("contact", contactId);
  return data;
}

export async function getContact(context: TenantContext, contactId: string): Promise<Contact> {
  return toContact(await loadContact(context, contactId));
}

/**
 * Lists contacts through the index that serves the sort and the most selective filter directly; the remaining
 * filters become a FilterExpression on that index (never a Scan).
 */
export async function listContacts(context: TenantContext, query: ListContactsQuery): Promise<Page<Contact>> {
  const { orgId } = context;
  const contacts = ContactEntity.query;
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
