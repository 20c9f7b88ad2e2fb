import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
import { AuditEntryEntity } from "../capabilities/audit/audit-entry.entity";
import { IdempotencyRecordEntity } from "../capabilities/idempotency/idempotency-record.entity";
import { NotificationEntity } from "../capabilities/notification/notification.entity";
import { RateLimitCounterEntity } from "../capabilities/ratelimit/rate-limit-counter.entity";
import { SearchTermEntity } from "../capabilities/search/search-term.entity";
import { UniqueValueEntity } from "../capabilities/unique/unique-value.entity";
import { ActivityEntity } from "../domain/activity/activity.entity";
import { AssociationEntity } from "../domain/association/association.entity";
import { CompanyEntity } from "../domain/company/company.entity";
import { ContactEntity } from "../domain/contact/contact.entity";
import { DealEntity } from "../domain/deal/deal.entity";
import { MemberEntity } from "../domain/member/member.entity";
import { OrganisationEntity } from "../domain/organisation/organisation.entity";
import { PipelineEntity } from "../domain/pipeline/pipeline.entity";
import { StageTotalEntity } from "../domain/pipeline/stage-total.entity";
import {
  AutomationRuleEntity,
  AutomationRunEntity,
  DelayedActionsEntity,
} from "../features/automation/automation.entity";
import { RealtimeConnectionEntity } from "../features/realtime/realtime-connection.entity";
import { RealtimeSubscriptionEntity } from "../features/realtime/realtime-subscription.entity";
import { TrashedRecordEntity } from "../features/trash/trashed-record.entity";
import { WebhookSubscriptionEntity } from "../features/webhook/webhook.entity";
import { WebhookDeliveryEntity } from "../features/webhook/webhook-delivery.entity";
import { config } from "./config";

const entities = {
  organisation: OrganisationEntity,
  member: MemberEntity,
  contact: ContactEntity,
  company: CompanyEntity,
  uniqueValue: UniqueValueEntity,
  idempotencyRecord: IdempotencyRecordEntity,
  auditEntry: AuditEntryEntity,
  pipeline: PipelineEntity,
  stageTotal: StageTotalEntity,
  deal: DealEntity,
  activity: ActivityEntity,
  association: AssociationEntity,
  trashedRecord: TrashedRecordEntity,
  rateLimitCounter: RateLimitCounterEntity,
  automationRule: AutomationRuleEntity,
  automationRun: AutomationRunEntity,
  delayedActions: DelayedActionsEntity,
  searchTerm: SearchTermEntity,
  webhookSubscription: WebhookSubscriptionEntity,
  webhookDelivery: WebhookDeliveryEntity,
  notification: NotificationEntity,
  realtimeConnection: RealtimeConnectionEntity,
  realtimeSubscription: RealtimeSubscriptionEntity,
};

/** Every entity of the table; one Service so that writes spanning entities can be one transaction. */
export type Database = Service<typeof entities>;

let database: Database | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
const clientHooks: ((client: DynamoDBDocumentClient) => void)[] = [];

/** The ElectroDB service, built once per process (module scope in Lambda), bound to the configured table. */
export function db(): Database {
  if (!database) {
    const { tableName, dynamodbEndpoint } = config();
    documentClient = DynamoDBDocumentClient.from(
      new DynamoDBClient(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    for (const hook of clientHooks) hook(documentClient);
    database = new Service(entities, { table: tableName, client: documentClient });
  }
  return database;
}

/**
 * The SDK client under the service, for middleware: the tests inject the faults DynamoDB Local never raises
 * (TransactionConflict, throttling) there, so the retry paths run against the real client.
 */
export function databaseClient(): DynamoDBDocumentClient {
  db();
  return documentClient as DynamoDBDocumentClient;
}

/**
 * Runs `configure` on the SDK client when it is built (at once if it already is), without building it early: the
 * client reads the configuration, which is parsed once.
 */
export function onDatabaseClient(configure: (client: DynamoDBDocumentClient) => void): void {
  if (documentClient) configure(documentClient);
  else clientHooks.push(configure);
}

/** The entity definitions, for checks that compare them with the table declaration. */
export const allEntities = Object.values(entities);
