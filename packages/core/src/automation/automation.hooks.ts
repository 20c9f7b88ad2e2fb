import type { DomainEvent } from "../events/domain-event.schema";
import type { TenantContext } from "../platform/request-context";

/**
 * The actions that reach outside the CRM's records (real-time notifications, webhooks) come from their own modules,
 * which register here; the automation engine does not depend on them directly.
 */
export const automationActionHooks = {
  notify: async (
    _context: TenantContext,
    _notification: { memberIds: string[]; message: string; event: DomainEvent },
  ) => {
    throw new Error("Notifications are not available.");
  },
  sendWebhook: async (_context: TenantContext, _request: { webhookId: string; event: DomainEvent }) => {
    throw new Error("Webhooks are not available.");
  },
};
