import type { TimelineItem, TimelineQuery } from "../audit/audit.schema";
import { listTimeline } from "../audit/audit.service";
import { db } from "../platform/database";
import { NotFoundError } from "../platform/errors";
import { isIdOf } from "../platform/ids";
import type { TenantContext } from "../platform/request-context";
import type { Page } from "../platform/schema";

type TimelineOwner = { type: "contact" | "company" | "deal"; id: string };

async function exists(orgId: string, record: TimelineOwner): Promise<boolean> {
  if (!isIdOf(record.type, record.id)) return false;
  const entities = db().entities;
  const found =
    record.type === "contact"
      ? await entities.contact.get({ orgId, contactId: record.id }).go({ attributes: ["contactId"] })
      : record.type === "company"
        ? await entities.company.get({ orgId, companyId: record.id }).go({ attributes: ["companyId"] })
        : await entities.deal.get({ orgId, dealId: record.id }).go({ attributes: ["dealId"] });
  return found.data !== null;
}

/**
 * A contact's, company's or deal's timeline: its activities and its changes (creation, field changes, stage
 * moves), newest first. One GetItem to know the record exists, then one query per page.
 */
export async function recordTimeline(
  context: TenantContext,
  record: TimelineOwner,
  query: TimelineQuery,
): Promise<Page<TimelineItem>> {
  if (!(await exists(context.orgId, record))) throw new NotFoundError(record.type, record.id);
  return listTimeline(context, record.id, query);
}
