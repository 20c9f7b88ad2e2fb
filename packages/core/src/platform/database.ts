import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
import { ActivityEntity } from "../activity/activity.entity";
import { AssociationEntity } from "../association/association.entity";
import { AuditEntryEntity } from "../audit/audit-entry.entity";
import { AutomationRuleEntity, AutomationRunEntity, DelayedActionsEntity } from "../automation/automation.entity";
import { CompanyEntity } from "../company/company.entity";
import { ContactEntity } from "../contact/contact.entity";
import { DealEntity } from "../deal/deal.entity";
import { IdempotencyRecordEntity } from "../idempotency/idempotency-record.entity";
import { MemberEntity } from "../member/member.entity";
import { NotificationEntity } from "../notification/notification.entity";
import { OrganisationEntity } from "../organisation/organisation.entity";
import { PipelineEntity } from "../pipeline/pipeline.entity";
import { StageTotalEntity } from "../pipeline/stage-total.entity";
import { RateLimitCounterEntity } from "../ratelimit/rate-limit-counter.entity";
import { RealtimeConnectionEntity } from "../realtime/realtime-connection.entity";
import { RealtimeSubscriptionEntity } from "../realtime/realtime-subscription.entity";
import { SearchTermEntity } from "../search/search-term.entity";
import { TrashedRecordEntity } from "../trash/trashed-record.entity";
import { UniqueValueEntity } from "../unique/unique-value.entity";
import { WebhookSubscriptionEntity } from "../webhook/webhook.entity";
import { WebhookDeliveryEntity } from "../webhook/webhook-delivery.entity";
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
