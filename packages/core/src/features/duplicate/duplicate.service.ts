import { MatchKeyEntity } from "../../capabilities/duplicates/match-key.entity";
import { type MatchKeyItem, sharedMatchKeys } from "../../capabilities/duplicates/match-key.service";
import { matchKeysOfCompany, matchKeysOfContact } from "../../capabilities/duplicates/match-keys";
import { loadCompany } from "../../domain/company/company.queries";
import { loadContact } from "../../domain/contact/contact.queries";
import { queryFingerprint } from "../../platform/cursor";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import type { DuplicateCandidates, DuplicateGroup, ListDuplicatesQuery } from "./duplicate.schema";

/**
 * The organisation's duplicate candidates of one record type: every value that two or more records share, one
 * group per value, in key order. One query of the groups index: keys held by one record are not on it.
 */
export async function listDuplicates(
  context: TenantContext,
  query: ListDuplicatesQuery,
): Promise<Page<DuplicateGroup>> {
  const { orgId } = context;
  const groups = MatchKeyEntity.query.duplicateGroupsOfOrganisation({
    orgId,
    recordType: query.type,
    listing: "group",
  });
  return readPage(({ limit, cursor }) => groups.go({ limit, cursor }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "duplicates", orgId, type: query.type }),
    filtered: false,
    map: (item) => ({
      type: item.recordType,
      matchedOn: { kind: item.kind, value: item.value },
      recordIds: item.recordIds,
    }),
  });
}

/** The other records that share a value with one record, each with every value it shares. */
function candidatesOf(recordId: string, shared: MatchKeyItem[]): DuplicateCandidates {
  const byRecord = new Map<string, DuplicateCandidates["data"][number]>();
  for (const item of shared) {
    for (const id of item.recordIds) {
      if (id === recordId) continue;
      const candidate = byRecord.get(id) ?? { id, matchedOn: [] };
      candidate.matchedOn.push({ kind: item.kind, value: item.value });
      byRecord.set(id, candidate);
    }
  }
  // Most shared values first: those are the likeliest duplicates.
  return { data: [...byRecord.values()].sort((a, b) => b.matchedOn.length - a.matchedOn.length) };
}

/** A contact's duplicate candidates: the contacts sharing a normalised email, phone digits or name at its company. */
export async function contactDuplicates(context: TenantContext, contactId: string): Promise<DuplicateCandidates> {
  const contact = await loadContact(context, contactId);
  const shared = await sharedMatchKeys(context.orgId, "contact", contactId, matchKeysOfContact(contact));
  return candidatesOf(contactId, shared);
}

/** A company's duplicate candidates: the companies sharing its normalised domain or name. */
export async function companyDuplicates(context: TenantContext, companyId: string): Promise<DuplicateCandidates> {
  const company = await loadCompany(context, companyId);
  const shared = await sharedMatchKeys(context.orgId, "company", companyId, matchKeysOfCompany(company));
  return candidatesOf(companyId, shared);
}
