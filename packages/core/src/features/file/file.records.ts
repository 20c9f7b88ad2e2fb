import { ActivityEntity } from "../../domain/activity/activity.entity";
import { CompanyEntity } from "../../domain/company/company.entity";
import { ContactEntity } from "../../domain/contact/contact.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import type { FileRecordType } from "./file.constants";

/**
 * Whether a record a file can be on exists in the organisation (a deleted one does not: it is in the trash or gone),
 * to refuse an upload onto a missing record and to restore a file onto the records still there.
 */
export const recordExists: Record<FileRecordType, (orgId: string, id: string) => Promise<boolean>> = {
  contact: async (orgId, contactId) => Boolean((await ContactEntity.get({ orgId, contactId }).go()).data),
  company: async (orgId, companyId) => Boolean((await CompanyEntity.get({ orgId, companyId }).go()).data),
  deal: async (orgId, dealId) => Boolean((await DealEntity.get({ orgId, dealId }).go()).data),
  activity: async (orgId, activityId) => Boolean((await ActivityEntity.get({ orgId, activityId }).go()).data),
};
