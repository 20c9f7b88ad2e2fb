import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import { customFieldSortMessage, isCustomFieldSort } from "../../capabilities/custom-fields/custom-field.schema";
import { compileFilter, type Filter, type FilterCatalogue } from "../../capabilities/filter/filter";
import { companyFilterFields } from "../../domain/company/company.filter-fields";
import { companySchema, companySortOrders } from "../../domain/company/company.schema";
import { contactFilterFields } from "../../domain/contact/contact.filter-fields";
import { contactSchema, contactSortOrders } from "../../domain/contact/contact.schema";
import { dealFilterFields } from "../../domain/deal/deal.filter-fields";
import { dealSchema } from "../../domain/deal/deal.schema";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import {
  ConcurrentModificationError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../platform/errors";
import { isIdOf, newId } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { invalidInput } from "../../platform/validation";
import { SavedViewEntity } from "./saved-view.entity";
import {
  type CreateSavedViewInput,
  type ListSavedViewsQuery,
  maxSavedViewsPerMember,
  type SavedView,
  type SavedViewRecordType,
  type UpdateSavedViewInput,
} from "./saved-view.schema";

type SavedViewItem = NonNullable<Awaited<ReturnType<ReturnType<typeof SavedViewEntity.get>["go"]>>["data"]>;

/** Per record type: what its list filters on, sorts by and answers (a view's columns are among those fields). */
const listsOf: Record<
  SavedViewRecordType,
  { filterFields: FilterCatalogue; sortOrders: readonly string[]; fields: readonly string[] }
> = {
  contact: {
    filterFields: contactFilterFields,
    sortOrders: contactSortOrders,
    fields: Object.keys(contactSchema.shape),
  },
  company: {
    filterFields: companyFilterFields,
    sortOrders: companySortOrders,
    fields: Object.keys(companySchema.shape),
  },
  deal: { filterFields: dealFilterFields, sortOrders: [], fields: Object.keys(dealSchema.shape) },
};

const mayShare = (context: TenantContext) => context.actor.role === "admin" || context.actor.role === "manager";

function toSavedView(item: SavedViewItem): SavedView {
  return {
    id: item.viewId,
    name: item.name,
    recordType: item.recordType,
    filter: item.filter ? (JSON.parse(item.filter) as Record<string, unknown>) : null,
    sort: item.sort ?? null,
    columns: item.columns,
    visibility: item.visibility,
    ownerId: item.ownerId,
    query: { ...(item.filter ? { filter: item.filter } : {}), ...(item.sort ? { sort: item.sort } : {}) },
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** What a view's filter, sort and columns must be for its list; the issues name their places in the body. */
async function checkAgainstList(
  context: TenantContext,
  recordType: SavedViewRecordType,
  view: { filter?: Filter | null | undefined; sort?: string | null | undefined; columns?: string[] | undefined },
): Promise<void> {
  const list = listsOf[recordType];
  const issues: FieldIssue[] = [];
  if (view.filter) {
    const catalogue = await filterFieldsWithCustomFields(context.orgId, recordType, list.filterFields, view.filter);
    const compiled = compileFilter(catalogue, view.filter, "body.filter");
    if ("issues" in compiled) issues.push(...compiled.issues);
  }
  if (view.sort && !list.sortOrders.includes(view.sort)) {
    issues.push({
      path: "body.sort",
      message:
        list.sortOrders.length === 0
          ? `The ${recordType}s list has no sort parameter.`
          : isCustomFieldSort(view.sort)
            ? customFieldSortMessage(list.sortOrders)
            : `One of ${list.sortOrders.join(", ")}.`,
    });
  }
  (view.columns ?? []).forEach((column, index) => {
    if (!column.startsWith("customFields.") && !list.fields.includes(column)) {
      issues.push({ path: `body.columns.${index}`, message: `Not a field of a ${recordType}.` });
    }
  });
  if (issues.length > 0) throw invalidInput(issues);
}

async function loadVisibleView(context: TenantContext, viewId: string): Promise<SavedViewItem> {
  if (!isIdOf("savedView", viewId)) throw new NotFoundError("saved view", viewId);
  const { data } = await SavedViewEntity.get({ orgId: context.orgId, viewId }).go({ consistent: true });
  // Another member's private view does not exist for the caller.
  if (!data || (data.visibility === "private" && data.ownerId !== context.actor.memberId)) {
    throw new NotFoundError("saved view", viewId);
  }
  return data;
}

/** A shared view is changed by managers and admins (and its owner); a private one only by its owner. */
function assertMayChange(context: TenantContext, view: SavedViewItem): void {
  if (view.ownerId !== context.actor.memberId && !(view.visibility === "organisation" && mayShare(context))) {
    throw new ForbiddenError("Only its owner, or a manager or admin for a shared view, may change this view.");
  }
}

export async function createSavedView(context: TenantContext, input: CreateSavedViewInput): Promise<SavedView> {
  await checkAgainstList(context, input.recordType, input);
  if (input.visibility === "organisation" && !mayShare(context)) {
    throw new ForbiddenError("Managers and admins share views with the organisation; make it private.");
  }
  const { data: existing } = await SavedViewEntity.query
    .savedViewsOfOrganisation({ orgId: context.orgId })
    .where(({ ownerId }, { eq }) => eq(ownerId, context.actor.memberId))
    .go({ pages: "all" });
  if (existing.length >= maxSavedViewsPerMember) {
    throw new ValidationError([
      { path: "body", message: `A member has at most ${maxSavedViewsPerMember} saved views; delete one first.` },
    ]);
  }
  const at = now();
  const item: SavedViewItem = {
    orgId: context.orgId,
    viewId: newId("savedView"),
    name: input.name,
    recordType: input.recordType,
    ...(input.filter ? { filter: JSON.stringify(input.filter) } : {}),
    ...(input.sort ? { sort: input.sort } : {}),
    columns: input.columns ?? [],
    visibility: input.visibility,
    ownerId: context.actor.memberId,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await SavedViewEntity.create(item).go();
  return toSavedView(item);
}

/** The views the caller sees: their own and the organisation's shared ones, newest first. */
export async function listSavedViews(context: TenantContext, query: ListSavedViewsQuery): Promise<Page<SavedView>> {
  const memberId = context.actor.memberId;
  return readPage(
    ({ limit, cursor }) =>
      SavedViewEntity.query
        .savedViewsOfOrganisation({ orgId: context.orgId })
        .where(({ ownerId, visibility, recordType }, { eq }) =>
          [
            `(${eq(ownerId, memberId)} OR ${eq(visibility, "organisation")})`,
            ...(query.recordType ? [eq(recordType, query.recordType)] : []),
          ].join(" AND "),
        )
        .go({ limit, cursor, order: "desc" }),
    {
      limit: query.limit,
      cursor: query.cursor,
      fingerprint: queryFingerprint({
        list: "saved-views",
        orgId: context.orgId,
        memberId,
        ...query,
        limit: undefined,
        cursor: undefined,
      }),
      filtered: true,
      map: toSavedView,
    },
  );
}

export async function getSavedView(context: TenantContext, viewId: string): Promise<SavedView> {
  return toSavedView(await loadVisibleView(context, viewId));
}

export async function updateSavedView(
  context: TenantContext,
  viewId: string,
  input: UpdateSavedViewInput,
): Promise<SavedView> {
  const current = await loadVisibleView(context, viewId);
  assertMayChange(context, current);
  await checkAgainstList(context, current.recordType, input);
  if (input.visibility === "organisation" && current.visibility !== "organisation" && !mayShare(context)) {
    throw new ForbiddenError("Managers and admins share views with the organisation.");
  }
  const next: SavedViewItem = {
    ...current,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.columns !== undefined ? { columns: input.columns } : {}),
    ...(input.visibility !== undefined ? { visibility: input.visibility } : {}),
    version: current.version + 1,
    updatedAt: now(),
  };
  if (input.filter !== undefined) {
    if (input.filter === null) delete next.filter;
    else next.filter = JSON.stringify(input.filter);
  }
  if (input.sort !== undefined) {
    if (input.sort === null) delete next.sort;
    else next.sort = input.sort;
  }
  const cleared = (["filter", "sort"] as const).filter((field) => next[field] === undefined);
  try {
    await SavedViewEntity.patch({ orgId: context.orgId, viewId })
      .set({
        name: next.name,
        columns: next.columns,
        visibility: next.visibility,
        ...(next.filter !== undefined ? { filter: next.filter } : {}),
        ...(next.sort !== undefined ? { sort: next.sort } : {}),
        version: next.version,
        updatedAt: next.updatedAt,
      })
      .remove([...cleared])
      .where(({ version }, { eq }) => eq(version, current.version))
      .go();
  } catch (error) {
    if ((error as { cause?: { name?: string } }).cause?.name === "ConditionalCheckFailedException") {
      throw new ConcurrentModificationError("saved view", viewId);
    }
    throw error;
  }
  return toSavedView(next);
}

export async function deleteSavedView(context: TenantContext, viewId: string): Promise<void> {
  const current = await loadVisibleView(context, viewId);
  assertMayChange(context, current);
  await SavedViewEntity.delete({ orgId: context.orgId, viewId }).go();
}
