import { type CalendarNotification, channelOf, handleCalendarNotification } from "@crm/core/integration";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { webhookReceiver } from "../../platform/webhook-receiver";

const notificationOf = (headers: APIGatewayProxyEventV2["headers"]): CalendarNotification => ({
  channelId: headers["x-goog-channel-id"],
  resourceId: headers["x-goog-resource-id"],
  resourceState: headers["x-goog-resource-state"],
  token: headers["x-goog-channel-token"],
  messageNumber: headers["x-goog-message-number"],
});

export const handler = webhookReceiver({
  route: "integrations.calendarNotification",
  verify: async ({ headers }) => (await channelOf(notificationOf(headers))) !== undefined,
  schema: null,
  handle: async ({ headers }) => handleCalendarNotification(notificationOf(headers)),
});
