import { newId } from "../../platform/ids";
import type { PipelineItem } from "./pipeline.queries";

/** The pipeline every new organisation starts with: a common B2B sales process, editable like any other. */
export function defaultPipeline(orgId: string, createdBy: string, at: string): PipelineItem {
  const stage = (name: string, probability: number, kind: "open" | "won" | "lost", rottingDays?: number) => ({
    stageId: newId("stage"),
    name,
    probability,
    kind,
    ...(rottingDays ? { rottingDays } : {}),
  });
  return {
    orgId,
    pipelineId: newId("pipeline"),
    name: "Sales",
    isDefault: true,
    stages: [
      stage("Lead", 10, "open", 14),
      stage("Qualified", 25, "open", 14),
      stage("Proposal", 50, "open", 10),
      stage("Negotiation", 75, "open", 7),
      stage("Won", 100, "won"),
      stage("Lost", 0, "lost"),
    ],
    version: 1,
    createdBy,
    createdAt: at,
    updatedAt: at,
  };
}
