import type { EntityItem } from "electrodb";
import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import { assertNotMerged } from "../../capabilities/duplicates/merged-records";
import { type FilterCatalogue, filterOf } from "../../capabilities/filter/filter";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { allOf, type QueryPage, readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { CompanyEntity } from "./company.entity";
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

/** What `?filter=` may name on companies, and where each field is kept. */
export const companyFilterFields: FilterCatalogue = {
  name: { kind: "text", attribute: "name" },
  domain: { kind: "text", attribute: "domain" },
  industry: { kind: "text", attribute: "industry" },
  size: { kind: "text", attribute: "size" },
  ownerId: { kind: "id", attribute: "ownerId" },
  tags: { kind: "list", attribute: "tags", folded: true },
  createdAt: { kind: "timestamp", attribute: "createdAt" },
  updatedAt: { kind: "timestamp", attribute: "updatedAt" },
  lastActivityAt: { kind: "timestamp", attribute: "lastActivityAt" },
};

export async function listCompanies(context: TenantContext, query: ListCompaniesQuery): Promise<Page<Company>> {
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
  const ownFilters = Object.values(filters).some((value) => value !== undefined);
  const filtered = ownFilters || filter !== undefined;
  const base = byName
    ? companies.companiesByName({ orgId })
    : ownerIndexed
      ? companies.companiesByOwner({ orgId, ownerId: ownerId ?? "" })
      : companies.companiesByCreation({ orgId });
  const withFilters = filtered
    ? base.where((attributes, operations) =>
        allOf([
          filters.ownerId !== undefined ? operations.eq(attributes.ownerId, filters.ownerId) : null,
          filters.tag !== undefined ? operations.contains(attributes.tags, filters.tag) : null,
          filter
            ? filter.where(attributes as unknown as Record<string, unknown>, operations, {
                alongsideOthers: ownFilters,
              })
            : null,
        ]),
      )
    : base;
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
    filtered,
    map: toCompany,
  });
}
