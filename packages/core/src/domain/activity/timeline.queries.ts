import type { TimelineItem, TimelineQuery } from "../../capabilities/audit/audit.schema";
import { listTimeline } from "../../capabilities/audit/audit.service";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import type { RecordRef } from "../association/association.service";
import { linkTargets } from "./link-targets";

/**
 * A contact's, company's or deal's timeline: its activities and its changes (creation, field changes, stage
 * moves), newest first. One GetItem to know the record exists, then one query per page.
 */
export async function recordTimeline(
  context: TenantContext,
  record: RecordRef,
  query: TimelineQuery,
): Promise<Page<TimelineItem>> {
  if (!(await linkTargets[record.type].exists(context.orgId, record.id)))
    throw new NotFoundError(record.type, record.id);
  return listTimeline(context, record.id, query);
}
