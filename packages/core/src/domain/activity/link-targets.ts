import type { AssociableType } from "../association/association.constants";
import type { LinkTarget } from "../association/link-target";
import { companyLinks } from "../company/company.links";
import { contactLinks } from "../contact/contact.links";
import { dealLinks } from "../deal/deal.links";

/** The kinds of record an activity is linked to and a timeline belongs to, each with how links reach it. */
export const linkTargets: { readonly [T in AssociableType]: LinkTarget<T> } = {
  contact: contactLinks,
  company: companyLinks,
  deal: dealLinks,
};
