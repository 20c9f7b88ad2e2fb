import { AuditEntryEntity } from "../capabilities/audit/audit-entry.entity";
import {
  CustomFieldDeletionEntity,
  CustomFieldEntity,
  CustomFieldKeyEntity,
} from "../capabilities/custom-fields/custom-field.entity";
import { MatchKeyEntity } from "../capabilities/duplicates/match-key.entity";
import { MergedRecordEntity } from "../capabilities/duplicates/merged-record.entity";
import { IdempotencyRecordEntity } from "../capabilities/idempotency/idempotency-record.entity";
import { RateLimitCounterEntity } from "../capabilities/ratelimit/rate-limit-counter.entity";
import { SearchTermEntity } from "../capabilities/search/search-term.entity";
import { TagPointerEntity } from "../capabilities/tag-index/tag-pointer.entity";
import { TrashedRecordEntity } from "../capabilities/trash/trashed-record.entity";
import { UniqueValueEntity } from "../capabilities/unique/unique-value.entity";
import { ActivityEntity } from "../domain/activity/activity.entity";
import { AssociationEntity } from "../domain/association/association.entity";
import { CompanyEntity } from "../domain/company/company.entity";
import { ContactEntity } from "../domain/contact/contact.entity";
import { DealEntity } from "../domain/deal/deal.entity";
import { DealStageMoveEntity } from "../domain/deal/deal-stage-move.entity";
import { MemberEntity } from "../domain/member/member.entity";
import { OrganisationEntity } from "../domain/organisation/organisation.entity";
import { PipelineEntity } from "../domain/pipeline/pipeline.entity";
import { StageTotalEntity } from "../domain/pipeline/stage-total.entity";
import { ApiKeyEntity } from "../features/api-key/api-key.entity";
import {
  AutomationRuleEntity,
  AutomationRunEntity,
  DelayedActionsEntity,
} from "../features/automation/automation.entity";
import { ExportEntity } from "../features/export/export.entity";
import {
  FileEntity,
  FileLinkEntity,
  FilePurgeEntity,
  FileSettingsEntity,
  StorageUsageEntity,
} from "../features/file/file.entity";
import { ImportEntity, ImportRowErrorEntity, ImportSeenKeyEntity } from "../features/import/import.entity";
import { ConnectionEntity } from "../features/integration/connection.entity";
import { IntegrationLogEntity } from "../features/integration/integration-log.entity";
import { CustomerLinkEntity, InvoiceEntity } from "../features/integration/invoice.entity";
import { OAuthStateEntity } from "../features/integration/oauth-state.entity";
import { SyncStateEntity } from "../features/integration/sync-state.entity";
import { WatchChannelEntity } from "../features/integration/watch-channel.entity";
import { NotificationEntity } from "../features/notification/notification.entity";
import { RealtimeConnectionEntity } from "../features/realtime/realtime-connection.entity";
import { RealtimeSubscriptionEntity } from "../features/realtime/realtime-subscription.entity";
import { SavedViewEntity } from "../features/saved-view/saved-view.entity";
import { WebhookSubscriptionEntity } from "../features/webhook/webhook.entity";
import { WebhookDeliveryEntity } from "../features/webhook/webhook-delivery.entity";

/**
 * Every entity of the table by name, in one place above the modules that define them: for the checks that compare
 * them with the table declaration and for tools (seeding, test inspection). Nothing at run time needs them together
 * (each module binds its own entities to the table, and a transaction takes whichever entities its steps use), so
 * no function bundle carries this list.
 */
export const tableEntities = {
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
  dealStageMove: DealStageMoveEntity,
  activity: ActivityEntity,
  association: AssociationEntity,
  trashedRecord: TrashedRecordEntity,
  rateLimitCounter: RateLimitCounterEntity,
  automationRule: AutomationRuleEntity,
  automationRun: AutomationRunEntity,
  delayedActions: DelayedActionsEntity,
  searchTerm: SearchTermEntity,
  tagPointer: TagPointerEntity,
  matchKey: MatchKeyEntity,
  mergedRecord: MergedRecordEntity,
  webhookSubscription: WebhookSubscriptionEntity,
  webhookDelivery: WebhookDeliveryEntity,
  notification: NotificationEntity,
  realtimeConnection: RealtimeConnectionEntity,
  realtimeSubscription: RealtimeSubscriptionEntity,
  integrationConnection: ConnectionEntity,
  oauthState: OAuthStateEntity,
  integrationLog: IntegrationLogEntity,
  integrationSyncState: SyncStateEntity,
  integrationWatchChannel: WatchChannelEntity,
  accountingInvoice: InvoiceEntity,
  accountingCustomerLink: CustomerLinkEntity,
  file: FileEntity,
  fileLink: FileLinkEntity,
  storageUsage: StorageUsageEntity,
  fileSettings: FileSettingsEntity,
  filePurge: FilePurgeEntity,
  export: ExportEntity,
  import: ImportEntity,
  importRowError: ImportRowErrorEntity,
  importSeenKey: ImportSeenKeyEntity,
  apiKey: ApiKeyEntity,
  customField: CustomFieldEntity,
  customFieldKey: CustomFieldKeyEntity,
  customFieldDeletion: CustomFieldDeletionEntity,
  savedView: SavedViewEntity,
};

export const allEntities = Object.values(tableEntities);
