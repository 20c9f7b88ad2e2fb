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
import { CompanyEntity } from "./company.entity";
import { companyFilterFields } from "./company.filter-fields";
import type { Company, ListCompaniesQuery } from "./company.schema";

export type CompanyItem = EntityItem<typeof CompanyEntity>;

export function toCompany(item: CompanyItem): Company {
  return {
    id: item.companyId,
    name: item.name,
    domain: item.domain ?? null,
    industry: item.industry ?? null,
    size: item.size ?? null,
    address: item.address ?? null,
    lastActivityAt: item.lastActivityAt ?? null,
    ownerId: item.ownerId,
    tags: item.tags,
    customFields: (item.customFields as Record<string, unknown> | undefined) ?? {},
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export async function loadCompany(context: TenantContext, companyId: string): Promise<CompanyItem> {
  if (!isIdOf("company", companyId)) throw new NotFoundError("company", companyId);
  const { data } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go({ consistent: true });
  await assertNotMerged(context.orgId, "company", companyId, data);
  if (!data) throw new NotFoundError("company", companyId);
  return data;
}

export async function getCompany(context: TenantContext, companyId: string): Promise<Company> {
  return toCompany(await loadCompany(context, companyId));
}

export async function listCompanies(context: TenantContext, query: ListCompaniesQuery): Promise<Page<Company>> {
  if (servedByTagIndex(query)) return listCompaniesByTag(context, query);
  const { orgId } = context;
  const companies = CompanyEntity.query;
  const order = query.sort.startsWith("-") ? "desc" : "asc";
  const byName = query.sort.endsWith("name");
  const filter = filterOf(
    await filterFieldsWithCustomFields(orgId, "company", companyFilterFields, query.filter),
    query.filter,
  );
  const ownerId = query.ownerId ?? filter?.required("ownerId");
  const ownerIndexed = !byName && ownerId !== undefined;
  const filters = { ownerId: ownerIndexed ? undefined : query.ownerId, tag: query.tag };
  const where = listWhere(filter, [
    { attribute: "ownerId", op: "eq", value: filters.ownerId },
    { attribute: "tags", op: "contains", value: filters.tag },
  ]);
  const base = byName
    ? companies.companiesByName({ orgId })
    : ownerIndexed
      ? companies.companiesByOwner({ orgId, ownerId: ownerId ?? "" })
      : companies.companiesByCreation({ orgId });
  const withFilters = where ? base.where(where) : base;
  const run: QueryPage<CompanyItem> = ({ limit, cursor }) => withFilters.go({ limit, cursor, order });
  return readPage(run, {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({
      list: "companies",
      orgId,
      ...filters,
      ownerIndexed,
      sort: query.sort,
      ...(query.filter === undefined ? {} : { filter: query.filter }),
    }),
    filtered: where !== undefined,
    map: toCompany,
  });
}

/** `?tag=` alone, in creation order, is a page of the tag index; with anything else it filters the list's index. */
function servedByTagIndex(query: ListCompaniesQuery): query is ListCompaniesQuery & { tag: string } {
  const narrowed = query.ownerId !== undefined || query.filter !== undefined;
  return query.tag !== undefined && !narrowed && (query.sort === "createdAt" || query.sort === "-createdAt");
}

/** A page of the companies with one tag: one Query of the tag index, one BatchGetItem of the companies. */
function listCompaniesByTag(
  context: TenantContext,
  query: ListCompaniesQuery & { tag: string },
): Promise<Page<Company>> {
  const { orgId } = context;
  return readTagPage({
    orgId,
    recordType: "company",
    tag: query.tag,
    order: query.sort.startsWith("-") ? "desc" : "asc",
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "companies", path: "tag-index", orgId, tag: query.tag, sort: query.sort }),
    load: async (companyIds) => {
      const keys = companyIds.map((companyId) => ({ orgId, companyId }));
      const { data, unprocessed } = await CompanyEntity.get(keys).go({ consistent: true });
      return { data, unprocessed: unprocessed.map((key) => key.companyId) };
    },
    idOf: (item) => item.companyId,
    tagsOf: (item) => item.tags,
    map: toCompany,
  });
}
