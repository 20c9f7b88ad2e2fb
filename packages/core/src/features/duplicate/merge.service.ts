import {
  type CompanyMergeOutcome,
  mergeCompanies as mergeCompanyRecords,
} from "../../domain/company/company-merge.service";
import {
  type ContactMergeOutcome,
  mergeContacts as mergeContactRecords,
} from "../../domain/contact/contact-merge.service";
import type { TenantContext } from "../../platform/request-context";
import type { MergeCompaniesInput, MergeContactsInput } from "./merge.schema";

/**
 * Merges contacts (see the domain's mergeContacts). What moves to the survivor is every registered link cascade's
 * (deals, activities and their timeline entries, files): a future kind of link moves by registering a LinkCascade with a `move` in composition/cascades.ts.
 */
export function mergeContacts(context: TenantContext, input: MergeContactsInput): Promise<ContactMergeOutcome> {
  return mergeContactRecords(context, input);
}

/**
 * Merges companies (see the domain's mergeCompanies): their contacts, deals, activities with their timeline entries
 * and files move to the survivor by the same registered link cascades.
 */
export function mergeCompanies(context: TenantContext, input: MergeCompaniesInput): Promise<CompanyMergeOutcome> {
  return mergeCompanyRecords(context, input);
}
