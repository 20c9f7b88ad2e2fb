import { type ChangeStep, step } from "../../platform/change-set";
import { inTransaction } from "../../platform/table";
import { defaultPipeline } from "../pipeline/default-pipeline";
import { PipelineEntity } from "../pipeline/pipeline.entity";
import { OrganisationEntity } from "./organisation.entity";
import type { OrganisationItem } from "./organisation.queries";

/**
 * What founds an organisation besides its first member (the member module adds the founder, whose admin is already
 * counted in `organisation.adminCount`): the organisation item and a default sales pipeline owned by `founderId`.
 */
export function newOrganisationSteps(organisation: OrganisationItem, founderId: string): ChangeStep[] {
  const { orgId, createdAt } = organisation;
  return [
    step("organisation", inTransaction(OrganisationEntity).create(organisation).commit()),
    step(
      "default pipeline",
      inTransaction(PipelineEntity)
        .create(defaultPipeline(orgId, founderId, createdAt))
        .commit(),
    ),
  ];
}
