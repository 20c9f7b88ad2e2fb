import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import {
  customFieldValuesAfterMerge,
  storedCustomFields,
  storedSearchedCustomFields,
} from "../../capabilities/custom-fields/custom-field.service";
import type { ValidatedCustomFieldValues } from "../../capabilities/custom-fields/custom-field.values";
import { maxMergedRecords } from "../../capabilities/duplicates/duplicates.constants";
import { MergeTargetNotFoundError, RecordMergedError } from "../../capabilities/duplicates/merge.errors";
import { MergedRecordEntity } from "../../capabilities/duplicates/merged-record.entity";
import { mergedRecordAction } from "../../capabilities/duplicates/merged-records";
import { searchDocumentOfCompany, searchTermActions } from "../../capabilities/search/search.service";
import { moveToTrashAction } from "../../capabilities/trash/trash-actions";
import { UniqueValueEntity } from "../../capabilities/unique/unique-value.entity";
import { changeSet, step, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { sortKeyOf } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { holdersOf, moveLinks } from "../association/link-cascades";
import { referenceSteps, releaseUniqueValues } from "../references";
import { CompanyEntity } from "./company.entity";
import { type CompanyItem, getCompany, toCompany } from "./company.queries";
import type { Company } from "./company.schema";
import { auditedFields, companyMatchKeySteps } from "./company.service";

/** The fields whose value one record gives; tags are the union of all. */
type ChosenField = "name" | "domain" | "industry" | "size" | "address" | "ownerId";

export type CompanyMergeRequest = {
  survivorId: string;
  mergedIds: string[];
  fields?: Partial<Record<ChosenField, string | undefined>> & { customFields?: Record<string, string> };
  preview: boolean;
};

type Moves = { id: string; contacts: string[]; deals: string[]; activities: string[]; files: string[] };
export type CompanyMergeOutcome = { preview: boolean; record: Company; mergedIds: string[]; moves: Moves[] };

/** Where a merged id stands: untouched, marked as moving into the survivor, or already gone into it. */
type MergedState = { state: "live" | "marked"; item: CompanyItem } | { state: "done"; id: string };

/** Most tags a company holds (the schema's limit). */
const maxTags = 50;

const isEmpty = (value: unknown) => value === undefined || value === null || value === "";

async function survivorOf(context: TenantContext, companyId: string): Promise<CompanyItem> {
  const { data } = isIdOf("company", companyId)
    ? await CompanyEntity.get({ orgId: context.orgId, companyId }).go({ consistent: true })
    : { data: null };
  if (data?.mergedInto) throw new RecordMergedError("company", companyId, data.mergedInto);
  if (!data) throw new MergeTargetNotFoundError("company", companyId, "body.survivorId");
  return data;
}

async function mergedStateOf(
  context: TenantContext,
  survivorId: string,
  companyId: string,
  path: string,
): Promise<MergedState> {
  const { orgId } = context;
  const { data } = isIdOf("company", companyId)
    ? await CompanyEntity.get({ orgId, companyId }).go({ consistent: true })
    : { data: null };
  if (data && !data.mergedInto) return { state: "live", item: data };
  if (data?.mergedInto === survivorId) return { state: "marked", item: data };
  if (data?.mergedInto) throw new RecordMergedError("company", companyId, data.mergedInto);
  const { data: gone } = await MergedRecordEntity.get({ orgId, recordId: companyId }).go({ consistent: true });
  if (gone?.survivorId === survivorId) return { state: "done", id: companyId };
  if (gone) throw new RecordMergedError("company", companyId, gone.survivorId);
  throw new MergeTargetNotFoundError("company", companyId, path);
}

/**
 * The survivor as merged: a chosen field takes the named record's value; otherwise the survivor's unless empty,
 * else the most recently updated merged record's non-empty value. Tags are the union, the survivor's first. Also
 * which record the survivor's domain comes from (its own, a merged company's, or none). Custom field values are
 * `custom` (see customValuesOf), by the same rule.
 */
function mergedCompany(
  survivor: CompanyItem,
  merged: CompanyItem[],
  request: CompanyMergeRequest,
  custom: ValidatedCustomFieldValues,
): { next: CompanyItem; domainFrom: CompanyItem | undefined } {
  const everyone = [survivor, ...merged];
  const newestFirst = merged.toSorted((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const giverOf = (field: ChosenField): CompanyItem | undefined => {
    const from = request.fields?.[field];
    if (from) return everyone.find((each) => each.companyId === from);
    if (!isEmpty(survivor[field])) return survivor;
    return newestFirst.find((each) => !isEmpty(each[field]));
  };
  const chosenValue = <F extends ChosenField>(field: F): CompanyItem[F] => giverOf(field)?.[field] as CompanyItem[F];
  const domainFrom = giverOf("domain");
  const next: CompanyItem = {
    ...survivor,
    name: chosenValue("name") ?? survivor.name,
    domain: domainFrom?.domain,
    industry: chosenValue("industry"),
    size: chosenValue("size"),
    address: chosenValue("address"),
    ownerId: chosenValue("ownerId") ?? survivor.ownerId,
    tags: [...new Set(everyone.flatMap((each) => each.tags))],
    customFields: storedCustomFields(custom.values),
    searchedCustomFields: storedSearchedCustomFields(custom),
  };
  if (next.tags.length > maxTags) {
    throw new ValidationError([
      {
        path: "body.mergedIds",
        message: `Together these companies have ${next.tags.length} tags; a company has at most ${maxTags}.`,
      },
    ]);
  }
  return { next, domainFrom: domainFrom?.domain ? domainFrom : undefined };
}

/** The survivor's custom field values after the merge, by the rule for built-in fields (mergedCustomFieldValues). */
function customValuesOf(
  context: TenantContext,
  survivor: CompanyItem,
  merged: CompanyItem[],
  request: CompanyMergeRequest,
) {
  const asMerging = (item: CompanyItem) => ({
    id: item.companyId,
    updatedAt: item.updatedAt,
    customFields: item.customFields,
  });
  return customFieldValuesAfterMerge(
    context.orgId,
    "company",
    asMerging(survivor),
    merged.map(asMerging),
    request.fields?.customFields,
  );
}

async function movesOf(context: TenantContext, companyIds: string[]): Promise<Moves[]> {
  return Promise.all(
    companyIds.map(async (id) => {
      const holders = await holdersOf(context, { type: "company", id });
      return {
        id,
        contacts: holders.contact ?? [],
        deals: holders.deal ?? [],
        activities: holders.activity ?? [],
        files: holders.file ?? [],
      };
    }),
  );
}

/**
 * Merges up to nine companies into a survivor, in the contact merge's three steps. One transaction marks the
 * merge: it writes the survivor's merged fields, hands the chosen domain's reservation to it and releases the other
 * merged companies' domains, and marks each merged company `mergedInto`, all under version conditions, so a
 * concurrent edit of any of them makes it a clean 409 with nothing changed. Then their contacts (the survivor
 * takes their place in each contact's companies), deals, activities (with the timeline) and files move to the
 * survivor, holder by holder, and each merged company goes to the trash in a transaction of its own. Every step
 * after the mark is idempotent: repeating the request after a failure finishes the merge.
 */
export async function mergeCompanies(
  context: TenantContext,
  request: CompanyMergeRequest,
): Promise<CompanyMergeOutcome> {
  if (request.mergedIds.length > maxMergedRecords) {
    throw new ValidationError([
      { path: "body.mergedIds", message: `At most ${maxMergedRecords} companies merge at once.` },
    ]);
  }
  const survivor = await survivorOf(context, request.survivorId);
  const states = await Promise.all(
    request.mergedIds.map((id, index) => mergedStateOf(context, survivor.companyId, id, `body.mergedIds.${index}`)),
  );
  const live = states.flatMap((each) => (each.state === "live" ? [each.item] : []));
  const resuming = live.length < states.length;
  if (resuming && live.length > 0) {
    throw new ConcurrentModificationError("company merge into", survivor.companyId);
  }
  const moves = await movesOf(context, request.mergedIds);
  if (request.preview) {
    const merged = resuming
      ? survivor
      : mergedCompany(survivor, live, request, await customValuesOf(context, survivor, live, request)).next;
    return { preview: true, record: toCompany(merged), mergedIds: request.mergedIds, moves };
  }
  if (!resuming) {
    const custom = await customValuesOf(context, survivor, live, request);
    await markMerge(context, survivor, live, mergedCompany(survivor, live, request, custom));
  }
  await completeMerge(context, survivor.companyId, request.mergedIds);
  return {
    preview: false,
    record: await getCompany(context, survivor.companyId),
    mergedIds: request.mergedIds,
    moves,
  };
}

/**
 * The domain reservations as the mark changes them: the chosen domain passes from the merged company that held it
 * to the survivor (conditioned on that holder), the survivor's own is released if it takes another or none, and
 * every other merged company's is released, so it is free to reuse.
 */
function domainSteps(
  orgId: string,
  survivor: CompanyItem,
  merged: CompanyItem[],
  next: CompanyItem,
  domainFrom: CompanyItem | undefined,
) {
  const survivorRecord = { type: "company" as const, id: survivor.companyId };
  const handedOver = domainFrom && domainFrom.companyId !== survivor.companyId ? domainFrom : undefined;
  return [
    ...(survivor.domain && survivor.domain !== next.domain
      ? releaseUniqueValues(orgId, survivorRecord, "company-domain", [survivor.domain])
      : []),
    ...(handedOver?.domain
      ? [
          step(
            "domain to survivor",
            inTransaction(UniqueValueEntity)
              .put({
                orgId,
                kind: "company-domain",
                value: handedOver.domain,
                ownerType: "company",
                ownerId: survivor.companyId,
              })
              .where((attributes, { eq }) => eq(attributes.ownerId, handedOver.companyId))
              .commit(),
          ),
        ]
      : []),
    ...merged.flatMap((company) =>
      company.domain && company.companyId !== handedOver?.companyId
        ? releaseUniqueValues(orgId, { type: "company", id: company.companyId }, "company-domain", [company.domain])
        : [],
    ),
  ];
}

/** The one transaction that decides the merge (see mergeCompanies). */
async function markMerge(
  context: TenantContext,
  survivor: CompanyItem,
  merged: CompanyItem[],
  { next, domainFrom }: ReturnType<typeof mergedCompany>,
) {
  const { orgId } = context;
  const survivorId = survivor.companyId;
  const at = now();
  const cleared = (["domain", "industry", "size", "address", "customFields", "searchedCustomFields"] as const).filter(
    (field) => next[field] === undefined,
  );
  await changeSet()
    .add(
      "survivor",
      inTransaction(CompanyEntity)
        .patch({ orgId, companyId: survivorId })
        .set({
          name: next.name,
          ...(next.domain !== undefined ? { domain: next.domain } : {}),
          ...(next.industry !== undefined ? { industry: next.industry } : {}),
          ...(next.size !== undefined ? { size: next.size } : {}),
          ...(next.address !== undefined ? { address: next.address } : {}),
          ownerId: next.ownerId,
          tags: next.tags,
          ...(next.customFields !== undefined ? { customFields: next.customFields } : {}),
          ...(next.searchedCustomFields !== undefined ? { searchedCustomFields: next.searchedCustomFields } : {}),
          sortName: sortKeyOf(next.name),
          version: survivor.version + 1,
          updatedAt: at,
        })
        .remove([...cleared])
        .where(
          (attributes, { eq, notExists }) =>
            `${eq(attributes.version, survivor.version)} AND ${notExists(attributes.mergedInto)}`,
        )
        .commit(),
    )
    .addAll(
      next.ownerId !== survivor.ownerId
        ? referenceSteps(orgId, { type: "company", id: survivorId }, [{ kind: "owner", memberId: next.ownerId }])
        : [],
    )
    .addAll(domainSteps(orgId, survivor, merged, next, domainFrom))
    .addAll(
      steps(
        "merged company",
        merged.map((company) =>
          inTransaction(CompanyEntity)
            .patch({ orgId, companyId: company.companyId })
            // The version moves too, so a write that read the company before the mark cannot land after it.
            .set({ mergedInto: survivorId, version: company.version + 1 })
            .where(
              (attributes, { eq, notExists }) =>
                `${eq(attributes.version, company.version)} AND ${notExists(attributes.mergedInto)}`,
            )
            .commit(),
        ),
      ),
    )
    .addAll(
      steps(
        "search term",
        searchTermActions(
          orgId,
          { recordType: "company", recordId: survivorId },
          searchDocumentOfCompany(survivor),
          searchDocumentOfCompany(next),
        ),
      ),
    )
    .addAll(await companyMatchKeySteps(orgId, survivorId, survivor, next))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "company",
        recordId: survivorId,
        action: "merged",
        changes: [
          ...fieldChanges(survivor, next, auditedFields),
          { field: "mergedIds", before: null, after: merged.map((company) => company.companyId) },
        ],
      }),
    )
    .commit(() => new ConcurrentModificationError("company", survivorId));
}

/**
 * Everything after the mark, each part idempotent: the merged companies' links move, and each goes to the trash
 * (without its domain, which was released or handed over) with a record of where it went.
 */
async function completeMerge(context: TenantContext, survivorId: string, mergedIds: string[]) {
  const { orgId } = context;
  const survivor = { type: "company" as const, id: survivorId };
  const { data: markedItems } = await CompanyEntity.get(mergedIds.map((companyId) => ({ orgId, companyId }))).go({
    consistent: true,
  });
  const marked = markedItems.filter((item) => item.mergedInto === survivorId);
  for (const { companyId } of marked) {
    const record = { type: "company" as const, id: companyId };
    await retryingConflicts(async () => {
      await moveLinks(context, record, survivor);
      const { data: company } = await CompanyEntity.get({ orgId, companyId }).go({ consistent: true });
      if (!company || company.mergedInto !== survivorId) return;
      const at = now();
      const { domain: _releasedOrHandedOver, ...kept } = company;
      await changeSet()
        .add(
          "merged company",
          inTransaction(CompanyEntity)
            .delete({ orgId, companyId })
            .where(
              (attributes, { eq, notExists }) =>
                `${eq(attributes.version, company.version)} AND (${notExists(attributes.linkCount)} OR ${eq(attributes.linkCount, 0)})`,
            )
            .commit(),
        )
        .addAll(
          steps(
            "search term",
            searchTermActions(
              orgId,
              { recordType: "company", recordId: companyId },
              searchDocumentOfCompany(company),
              null,
            ),
          ),
        )
        .addAll(await companyMatchKeySteps(orgId, companyId, company, null))
        .add("merged record", mergedRecordAction(orgId, record, survivorId, at))
        .add(
          "move to trash",
          moveToTrashAction(
            context,
            {
              type: "company",
              id: companyId,
              label: company.name,
              // Its links moved to the survivor and its domain is no longer its own: a restore brings back the rest.
              snapshot: {
                ...kept,
                formerContactIds: [],
                formerDealIds: [],
                formerActivityIds: [],
                formerFileIds: [],
              },
            },
            at,
          ),
        )
        .add(
          "audit entry",
          auditAction(context, {
            recordType: "company",
            recordId: companyId,
            action: "deleted",
            changes: [
              ...fieldChanges(company, null, auditedFields),
              { field: "mergedInto", before: null, after: survivorId },
            ],
          }),
        )
        .commit(() => new ConcurrentModificationError("company", companyId));
    });
  }
}
