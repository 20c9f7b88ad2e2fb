import { type ChangeStep, step } from "../../platform/change-set";
import { ValidationError } from "../../platform/errors";
import { inTransaction } from "../../platform/table";
import { WebhookSubscriptionEntity } from "./webhook.entity";

/** A change-set step requiring the webhook to be one of the organisation's; its failure is reported on `path`. */
export function webhookReferenceStep(orgId: string, webhookId: string, path: string): ChangeStep {
  return step(
    "webhook exists",
    inTransaction(WebhookSubscriptionEntity)
      .check({ orgId, webhookId })
      .where((attributes, { exists }) => exists(attributes.webhookId))
      .commit(),
    () => new ValidationError([{ path, message: "No webhook with this id exists in this organisation." }]),
  );
}
