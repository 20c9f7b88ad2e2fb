import type { EntityItem } from "electrodb";
import { monotonicFactory } from "ulid";
import { MemberEntity } from "../../domain/member/member.entity";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { notificationRetentionDays } from "./notification.constants";
import { NotificationEntity } from "./notification.entity";
import type { Notification } from "./notification.schema";

type NotificationItem = EntityItem<typeof NotificationEntity>;

const nextUlid = monotonicFactory();

function toNotification(item: NotificationItem): Notification {
  return {
    id: item.notificationId,
    kind: item.kind,
    title: item.title,
    message: item.message,
    subject: { type: item.subjectType, id: item.subjectId },
    createdAt: item.createdAt,
  };
}

/** The ids of the organisation's admins: the members notified about what only admins can act on. */
export async function adminsOf(orgId: string): Promise<string[]> {
  const { data } = await MemberEntity.query
    .membersOfOrganisation({ orgId })
    .where(({ role }, { eq }) => eq(role, "admin"))
    .go({ pages: "all", consistent: true });
  return data.map((member) => member.memberId);
}

/** The transaction action that notifies one member, so a notification exists exactly when its cause committed. */
export function notifyAction(notification: {
  orgId: string;
  memberId: string;
  kind: NotificationItem["kind"];
  title: string;
  message: string;
  subject: { type: string; id: string };
}) {
  const at = now();
  return inTransaction(NotificationEntity)
    .create({
      orgId: notification.orgId,
      memberId: notification.memberId,
      notificationId: `ntf_${nextUlid().toLowerCase()}`,
      kind: notification.kind,
      title: notification.title,
      message: notification.message,
      subjectType: notification.subject.type,
      subjectId: notification.subject.id,
      createdAt: at,
      expiresAt: Math.floor(Date.parse(at) / 1000) + notificationRetentionDays * 86_400,
    })
    .commit();
}

/** The caller's own notifications, newest first; expired ones are skipped even before DynamoDB's TTL removes them. */
export async function listMyNotifications(
  context: TenantContext,
  options: { limit: number; cursor?: string },
): Promise<Page<Notification>> {
  const { orgId, actor } = context;
  const nowSeconds = Math.floor(Date.now() / 1000);
  return readPage(
    ({ limit, cursor }) =>
      NotificationEntity.query
        .notificationsOfMember({ orgId, memberId: actor.memberId })
        .where(({ expiresAt }, { gt }) => gt(expiresAt, nowSeconds))
        .go({ limit, cursor, order: "desc" }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "notifications", orgId, memberId: actor.memberId }),
      filtered: true,
      map: toNotification,
    },
  );
}
