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
import { matchKeysOfCompany } from "../../capabilities/duplicates/match-keys";
import { forgetMergedRecordAction } from "../../capabilities/duplicates/merged-records";
import { searchDocumentOfCompany, searchTermActions } from "../../capabilities/search/search.service";
import { moveToTrashAction, takeFromTrashAction } from "../../capabilities/trash/trash-actions";
import { type ChangeStep, changeSet, step, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import { newRecordOwner, type TenantContext } from "../../platform/request-context";
import { sortKeyOf } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { detachFromHolders, relinkToHolders } from "../association/link-cascades";
import { type Reference, referenceSteps, releaseUniqueValues, withCustomFieldMembers } from "../references";
import { CompanyEntity } from "./company.entity";
import { type CompanyItem, getCompany, loadCompany, toCompany } from "./company.queries";
import type { Company, CreateCompanyInput, UpdateCompanyInput } from "./company.schema";

type NewCompany = CreateEntityItem<typeof CompanyEntity>;

/** The fields of a company that its audit history tracks. */
export const auditedFields = [
  "name",
  "domain",
  "industry",
  "size",
  "address",
  "ownerId",
  "tags",
  "customFields",
] as const;

const domainReference = (value: string): Reference => ({
  kind: "unique",
  uniqueKind: "company-domain",
  field: "domain",
  value,
});

type MatchedCompany = Parameters<typeof matchKeysOfCompany>[0];

/** The steps that move a company's duplicate match keys from `before` to `after` (null: it does not exist there). */
export function companyMatchKeySteps(
  orgId: string,
  companyId: string,
  before: MatchedCompany | null,
  after: MatchedCompany | null,
) {
  return matchKeySteps(orgId, "company", [
    { recordId: companyId, before: before && matchKeysOfCompany(before), after: after && matchKeysOfCompany(after) },
  ]);
}

/** What puts a new company in place, created or restored: the item, its references and its search terms. */
function newCompanySteps(orgId: string, company: NewCompany, references: Reference[]): ChangeStep[] {
  return [
    step("company", inTransaction(CompanyEntity).create(company).commit()),
    ...referenceSteps(orgId, { type: "company", id: company.companyId }, references),
    ...steps(
      "search term",
      searchTermActions(
        orgId,
        { recordType: "company", recordId: company.companyId },
        null,
        searchDocumentOfCompany(company),
      ),
    ),
  ];
}

/**
 * Creates a company. An importer may give the id (derived from what it imports), so that two imports of one record
 * collide on the key instead of making two companies.
 */
export async function createCompany(
  context: TenantContext,
  input: CreateCompanyInput,
  options: { companyId?: string } = {},
): Promise<Company> {
  assertCanWrite(context.actor);
  const { orgId, actor } = context;
  const at = now();
  const custom = await customFieldValuesAfterWrite(orgId, "company", input.customFields, undefined, "create");
  const company = {
    orgId,
    companyId: options.companyId ?? newId("company"),
    name: input.name,
    domain: input.domain,
    industry: input.industry,
    size: input.size,
    address: input.address,
    ownerId: input.ownerId ?? newRecordOwner(actor),
    tags: input.tags ?? [],
    customFields: storedCustomFields(custom?.values ?? {}),
    searchedCustomFields: custom ? storedSearchedCustomFields(custom) : undefined,
    sortName: sortKeyOf(input.name),
    version: 1,
    createdBy: actor.memberId,
    createdAt: at,
    updatedAt: at,
  } satisfies NewCompany;
  const references = withCustomFieldMembers(
    [
      ...(company.domain ? [domainReference(company.domain)] : []),
      ...(company.ownerId !== actor.memberId ? [{ kind: "owner" as const, memberId: company.ownerId }] : []),
    ],
    custom?.memberReferences ?? [],
  );
  await retryingMatchKeyRaces(async () =>
    changeSet()
      .addAll(newCompanySteps(orgId, company, references))
      .addAll(await companyMatchKeySteps(orgId, company.companyId, null, company))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "company",
          recordId: company.companyId,
          action: "created",
          changes: fieldChanges(null, company, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("company", company.companyId)),
  );
  return toCompany(company);
}

export async function updateCompany(
  context: TenantContext,
  companyId: string,
  input: UpdateCompanyInput,
  preconditions?: Preconditions,
): Promise<Company> {
  assertCanWrite(context.actor);
  return retryingConflicts(async () => {
    const current = await loadCompany(context, companyId);
    assertPreconditions(preconditions, current, "company", companyId);
    if (input.ownerId !== undefined && input.ownerId !== current.ownerId) {
      assertCanReassign(context.actor, current, "company");
    }
    const cleared = (field: "domain" | "industry" | "size" | "address") => input[field] === null;
    const custom = await customFieldValuesAfterWrite(
      context.orgId,
      "company",
      input.customFields,
      current.customFields as Record<string, unknown> | undefined,
      "update",
    );
    const next: CompanyItem = {
      ...current,
      name: input.name ?? current.name,
      domain: cleared("domain") ? undefined : (input.domain ?? current.domain),
      industry: cleared("industry") ? undefined : (input.industry ?? current.industry),
      size: cleared("size") ? undefined : (input.size ?? current.size),
      address: cleared("address") ? undefined : (input.address ?? current.address),
      ownerId: input.ownerId ?? current.ownerId,
      tags: input.tags ?? current.tags,
      customFields: custom ? storedCustomFields(custom.values) : current.customFields,
      searchedCustomFields: custom ? storedSearchedCustomFields(custom) : current.searchedCustomFields,
      version: current.version + 1,
      updatedAt: now(),
    };
    const domainChanged = next.domain !== current.domain;
    const references = withCustomFieldMembers(
      [
        ...(domainChanged && next.domain ? [domainReference(next.domain)] : []),
        ...(next.ownerId !== current.ownerId ? [{ kind: "owner" as const, memberId: next.ownerId }] : []),
      ],
      custom?.memberReferences ?? [],
    );
    const { orgId } = context;
    const owner = { type: "company" as const, id: companyId };
    const removed = (["domain", "industry", "size", "address", "customFields", "searchedCustomFields"] as const).filter(
      (field) => next[field] === undefined,
    );
    await changeSet()
      .add(
        "company",
        inTransaction(CompanyEntity)
          .patch({ orgId, companyId })
          .set({
            name: next.name,
            ...(next.domain !== undefined ? { domain: next.domain } : {}),
            ...(next.industry !== undefined ? { industry: next.industry } : {}),
            ...(next.size !== undefined ? { size: next.size } : {}),
            ...(next.address !== undefined ? { address: next.address } : {}),
            ...(next.customFields !== undefined ? { customFields: next.customFields } : {}),
            ...(next.searchedCustomFields !== undefined ? { searchedCustomFields: next.searchedCustomFields } : {}),
            ownerId: next.ownerId,
            tags: next.tags,
            sortName: sortKeyOf(next.name),
            version: next.version,
            updatedAt: next.updatedAt,
          })
          .remove([...removed])
          .where((attributes, { eq }) => eq(attributes.version, current.version))
          .commit(),
      )
      .addAll(referenceSteps(orgId, owner, references))
      .addAll(
        domainChanged && current.domain ? releaseUniqueValues(orgId, owner, "company-domain", [current.domain]) : [],
      )
      .addAll(
        steps(
          "search term",
          searchTermActions(
            orgId,
            { recordType: "company", recordId: companyId },
            searchDocumentOfCompany(current),
            searchDocumentOfCompany(next),
          ),
        ),
      )
      .addAll(await companyMatchKeySteps(orgId, companyId, current, next))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "company",
          recordId: companyId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("company", companyId));
    return toCompany(next);
  });
}

/**
 * Deletes a company. Its contacts and deals are kept: they are first taken off the company (contacts promote their
 * next company to primary), as are its activities, each in transactions of their own so a retry continues where
 * it stopped. The company, its domain reservation and its search terms then go in one transaction that also
 * requires no link to have appeared meanwhile; nothing is ever left pointing at a deleted company.
 */
export async function deleteCompany(
  context: TenantContext,
  companyId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const first = await loadCompany(context, companyId);
  assertPreconditions(preconditions, first, "company", companyId);
  assertCanDelete(context.actor, first, "company");
  const record = { type: "company" as const, id: companyId };
  const former = await detachFromHolders(context, record);
  const formerContactIds = former.contact ?? [];
  const formerDealIds = former.deal ?? [];
  const formerActivityIds = former.activity ?? [];
  const formerFileIds = former.file ?? [];
  await retryingMatchKeyRaces(async () => {
    const current = await loadCompany(context, companyId);
    assertPreconditions(preconditions, current, "company", companyId);
    const { orgId } = context;
    await changeSet()
      .add(
        "company",
        inTransaction(CompanyEntity)
          .delete({ orgId, companyId })
          .where(
            (attributes, { eq, notExists }) =>
              `${eq(attributes.version, current.version)} AND (${notExists(attributes.linkCount)} OR ${eq(attributes.linkCount, 0)})`,
          )
          .commit(),
      )
      .addAll(current.domain ? releaseUniqueValues(orgId, record, "company-domain", [current.domain]) : [])
      .addAll(await companyMatchKeySteps(orgId, companyId, current, null))
      .addAll(
        steps(
          "search term",
          searchTermActions(
            orgId,
            { recordType: "company", recordId: companyId },
            searchDocumentOfCompany(current),
            null,
          ),
        ),
      )
      .add(
        "move to trash",
        moveToTrashAction(
          context,
          {
            type: "company",
            id: companyId,
            label: current.name,
            snapshot: { ...current, formerContactIds, formerDealIds, formerActivityIds, formerFileIds },
          },
          now(),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "company",
          recordId: companyId,
          action: "deleted",
          changes: fieldChanges(current, null, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("company", companyId));
  });
}

/**
 * Restores a company from the trash with its id, fields and history: its domain is reserved again (409 if taken
 * meanwhile), and it is linked again to its former contacts (as a further company) and deals where they still exist.
 */
export async function restoreCompany(
  context: TenantContext,
  snapshot: CompanyItem & {
    formerContactIds?: string[];
    formerDealIds?: string[];
    formerActivityIds?: string[];
    formerFileIds?: string[];
  },
): Promise<Company> {
  const { orgId } = context;
  const at = now();
  const {
    formerContactIds = [],
    formerDealIds = [],
    formerActivityIds = [],
    formerFileIds = [],
    mergedInto: _merged,
    ...stored
  } = snapshot;
  const company = {
    ...stored,
    customFields: await valuesOfLiveFields(orgId, "company", stored.customFields),
    sortName: sortKeyOf(snapshot.name),
    linkCount: 0,
    version: snapshot.version + 1,
    updatedAt: at,
  } satisfies NewCompany;
  const references = company.domain ? [domainReference(company.domain)] : [];
  const record = { type: "company" as const, id: company.companyId };
  await retryingMatchKeyRaces(async () =>
    changeSet()
      .addAll(newCompanySteps(orgId, company, references))
      .addAll(await companyMatchKeySteps(orgId, company.companyId, null, company))
      .add("take from trash", takeFromTrashAction(orgId, company.companyId))
      .add("forget merge", forgetMergedRecordAction(orgId, company.companyId))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "company",
          recordId: company.companyId,
          action: "restored",
          changes: fieldChanges(null, company, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("company", company.companyId)),
  );
  await relinkToHolders(context, record, {
    contact: formerContactIds,
    deal: formerDealIds,
    activity: formerActivityIds,
    file: formerFileIds,
  });
  return getCompany(context, company.companyId);
}
