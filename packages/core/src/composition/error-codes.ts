import type { ChangeFeedErrorCode } from "../capabilities/change-feed/change-feed.errors";
import type { MergeErrorCode } from "../capabilities/duplicates/merge.errors";
import type { TrashErrorCode } from "../capabilities/trash/trash.errors";
import type { MemberErrorCode } from "../domain/member/member.errors";
import type { PipelineErrorCode } from "../domain/pipeline/pipeline.errors";
import type { FileErrorCode } from "../features/file/file.errors";
import type { IntegrationErrorCode } from "../features/integration/integration.errors";
import type { PlatformErrorCode } from "../platform/errors";

/**
 * Every code a DomainError can carry, joined here because only composition sees every module: the functions' problem
 * catalogue is keyed by it, so a module's new code without a status is a compile error.
 */
export type DomainErrorCode =
  | PlatformErrorCode
  | TrashErrorCode
  | ChangeFeedErrorCode
  | MergeErrorCode
  | PipelineErrorCode
  | MemberErrorCode
  | IntegrationErrorCode
  | FileErrorCode;
