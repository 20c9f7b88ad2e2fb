import type { CreateCompanyInput, UpdateCompanyInput } from "../../domain/company/company.schema";
import { createCompany, updateCompany } from "../../domain/company/company.service";
import type { CreateContactInput, UpdateContactInput } from "../../domain/contact/contact.schema";
import { createContact, updateContact } from "../../domain/contact/contact.service";
import type { CreateDealInput, UpdateDealInput } from "../../domain/deal/deal.schema";
import { createDeal, updateDeal } from "../../domain/deal/deal.service";
import type { TenantContext } from "../../platform/request-context";
import { runBatch } from "./batch.runner";
import type { BatchEntry, BatchUpdate } from "./batch.schema";

/** Contention keys (see `BatchPlan.contentionKeys`) of one kind, for the values that are present. */
const keyed = (kind: string, ...values: (string | null | undefined)[]) =>
  values.filter((value): value is string => Boolean(value)).map((value) => `${kind}:${value}`);

/** Creates each contact as `createContact` does; an email claimed twice goes to the earlier entry. */
export function batchCreateContacts(context: TenantContext, entries: BatchEntry<CreateContactInput>[]) {
  return runBatch(entries, {
    write: (input) => createContact(context, input),
    contentionKeys: (input) => [
      ...keyed("email", ...(input.emails ?? [])),
      ...keyed("member", input.ownerId),
      ...keyed("company", input.companyId, ...(input.companyIds ?? [])),
    ],
  });
}

/** Updates each contact as `updateContact` does, honouring each entry's `ifMatch`. */
export function batchUpdateContacts(context: TenantContext, entries: BatchEntry<BatchUpdate<UpdateContactInput>>[]) {
  return runBatch(entries, {
    write: ({ id, changes, ifMatch }) => updateContact(context, id, changes, { ifMatch }),
    inputField: "changes",
    uniqueBy: "id",
    contentionKeys: ({ changes }) => [
      ...keyed("email", ...(changes.emails ?? [])),
      ...keyed("member", changes.ownerId),
      ...keyed("company", changes.companyId, ...(changes.companyIds ?? [])),
    ],
  });
}

/** Creates each company as `createCompany` does; a domain claimed twice goes to the earlier entry. */
export function batchCreateCompanies(context: TenantContext, entries: BatchEntry<CreateCompanyInput>[]) {
  return runBatch(entries, {
    write: (input) => createCompany(context, input),
    contentionKeys: (input) => [...keyed("domain", input.domain), ...keyed("member", input.ownerId)],
  });
}

/** Updates each company as `updateCompany` does, honouring each entry's `ifMatch`. */
export function batchUpdateCompanies(context: TenantContext, entries: BatchEntry<BatchUpdate<UpdateCompanyInput>>[]) {
  return runBatch(entries, {
    write: ({ id, changes, ifMatch }) => updateCompany(context, id, changes, { ifMatch }),
    inputField: "changes",
    uniqueBy: "id",
    contentionKeys: ({ changes }) => [...keyed("domain", changes.domain), ...keyed("member", changes.ownerId)],
  });
}

/**
 * Creates each deal as `createDeal` does. Every new deal checks its pipeline and adds to its stage's totals, so the
 * deals of one pipeline are created one after another.
 */
export function batchCreateDeals(context: TenantContext, entries: BatchEntry<CreateDealInput>[]) {
  return runBatch(entries, {
    write: (input) => createDeal(context, input),
    contentionKeys: (input) => [
      ...keyed("pipeline", input.pipelineId ?? "default"),
      ...keyed("member", input.ownerId),
      ...keyed("company", input.companyId),
      ...keyed("contact", ...(input.contactIds ?? [])),
    ],
  });
}

/** Updates each deal as `updateDeal` does, honouring each entry's `ifMatch`; a new value also changes the totals. */
export function batchUpdateDeals(context: TenantContext, entries: BatchEntry<BatchUpdate<UpdateDealInput>>[]) {
  return runBatch(entries, {
    write: ({ id, changes, ifMatch }) => updateDeal(context, id, changes, { ifMatch }),
    inputField: "changes",
    uniqueBy: "id",
    contentionKeys: ({ changes }) => [
      ...(changes.value ? ["stage-totals"] : []),
      ...keyed("member", changes.ownerId),
      ...keyed("company", changes.companyId),
      ...keyed("contact", ...(changes.contactIds ?? [])),
    ],
  });
}
