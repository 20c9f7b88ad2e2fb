import type { EntityItem } from "electrodb";
import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import { assertNotMerged } from "../../capabilities/duplicates/merged-records";

import { filterOf, listWhere } from "../../capabilities/filter/filter";

import { readTagPage } from "../../capabilities/tag-index/tag-index.service";

import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { type QueryPage, readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { noCompany } from "../company/company.constants";
import { ContactEntity } from "./contact.entity";
import { contactFilterFields } from "./contact.filter-fields";
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
  await assertNotMerged(context.orgId, "contact", contactId, data);
  if (!data) throw new NotFoundError("contact", contactId);
  return data;
}

export async function getContact(context: TenantContext, contactId: string): Promise<Contact> {
  return toContact(await loadContact(context, contactId));
}

/**
 * Lists contacts through the index that serves the sort and the most selective filter directly (a company or owner
 * the query or every group of `filter` requires); the remaining filters become a FilterExpression on that index
 * (never a Scan).
 */
export async function listContacts(context: TenantContext, query: ListContactsQuery): Promise<Page<Contact>> {
  if (servedByTagIndex(query)) return listContactsByTag(context, query);
  const { orgId } = context;
  const contacts = ContactEntity.query;
  const order = query.sort.startsWith("-") ? "desc" : "asc";
  const byName = query.sort.endsWith("lastName");
  const filter = filterOf(
    await filterFieldsWithCustomFields(orgId, "contact", contactFilterFields, query.filter),
    query.filter,
  );
  const companyId = query.companyId ?? filter?.required("companyId");
  const ownerId = query.ownerId ?? filter?.required("ownerId");

  const indexed: "company" | "owner" | null = byName ? null : companyId ? "company" : ownerId ? "owner" : null;
  const filters = {
    ownerId: indexed === "owner" ? undefined : query.ownerId,
    companyId: indexed === "company" ? undefined : query.companyId,
    tag: query.tag,
  };
  const where = listWhere(filter, [
    { attribute: "ownerId", op: "eq", value: filters.ownerId },
    { attribute: "companyKey", op: "eq", value: filters.companyId },
    { attribute: "tags", op: "contains", value: filters.tag },
  ]);
  const base = byName
    ? contacts.contactsByName({ orgId })
    : indexed === "company"
      ? contacts.contactsByCompany({ orgId, companyKey: companyId ?? noCompany })
      : indexed === "owner"
        ? contacts.contactsByOwner({ orgId, ownerId: ownerId ?? "" })
        : contacts.contactsByCreation({ orgId });
  const withFilters = where ? base.where(where) : base;
  const run: QueryPage<ContactItem> = ({ limit, cursor }) => withFilters.go({ limit, cursor, order });
  return readPage(run, {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({
      list: "contacts",
      orgId,
      ...filters,
      indexed,
      sort: query.sort,
      ...(query.filter === undefined ? {} : { filter: query.filter }),
    }),
    filtered: where !== undefined,
    map: toContact,
  });
}

/** `?tag=` alone, in creation order, is a page of the tag index; with anything else it filters the list's index. */
function servedByTagIndex(query: ListContactsQuery): query is ListContactsQuery & { tag: string } {
  const narrowed = query.ownerId !== undefined || query.companyId !== undefined || query.filter !== undefined;
  return query.tag !== undefined && !narrowed && (query.sort === "createdAt" || query.sort === "-createdAt");
}

/** A page of the contacts with one tag: one Query of the tag index, one BatchGetItem of the contacts. */
function listContactsByTag(context: TenantContext, query: ListContactsQuery & { tag: string }): Promise<Page<Contact>> {
  const { orgId } = context;
  return readTagPage({
    orgId,
    recordType: "contact",
    tag: query.tag,
    order: query.sort.startsWith("-") ? "desc" : "asc",
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "contacts", path: "tag-index", orgId, tag: query.tag, sort: query.sort }),
    load: async (contactIds) => {
      const keys = contactIds.map((contactId) => ({ orgId, contactId }));
      const { data, unprocessed } = await ContactEntity.get(keys).go({ consistent: true });
      return { data, unprocessed: unprocessed.map((key) => key.contactId) };
    },
    idOf: (item) => item.contactId,
    tagsOf: (item) => item.tags,
    map: toContact,
  });
}
