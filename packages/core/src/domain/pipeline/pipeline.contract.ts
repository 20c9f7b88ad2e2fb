import { z } from "zod";
import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { pipelineRoutes } from "./pipeline.routes";
import { createPipelineInput, pipelineBoardSchema, pipelineSchema, updatePipelineInput } from "./pipeline.schema";

/** What the routes of pipeline.routes.ts accept and answer. */
export const pipelineContracts = {
  "pipelines.create": {
    summary: "Create a pipeline",
    description: "Stages in order; at least one open, one won and one lost stage.",
    tag: "Pipelines",
    body: createPipelineInput,
    response: { status: 201, description: "The new pipeline.", schema: pipelineSchema, location: true, etag: true },
  },
  "pipelines.list": {
    summary: "List pipelines",
    description: "Every pipeline of the organisation with its stages (a new organisation has one: Sales).",
    tag: "Pipelines",
    query: z.strictObject({}),
    response: { status: 200, description: "All pipelines (one page).", schema: page(pipelineSchema) },
  },
  "pipelines.get": {
    summary: "Get a pipeline",
    tag: "Pipelines",
    response: { status: 200, description: "The pipeline.", schema: pipelineSchema, etag: true },
  },
  "pipelines.update": {
    summary: "Rename a pipeline, make it the default, or change its stages",
    description:
      "`stages` is the complete new list: keep a stage by giving its `id` (rename, reorder, re-weight it), add one by leaving the id out, remove one by leaving it out. Deals in a removed stage must be moved: name the target in `moveDealsTo` (each move is recorded in the deals' history) or the request is refused. A stage with deals cannot change its kind.",
    tag: "Pipelines",
    body: updatePipelineInput,
    conditional: true,
    response: { status: 200, description: "The updated pipeline.", schema: pipelineSchema, etag: true },
    errors: [409],
  },
  "pipelines.delete": {
    summary: "Delete a pipeline",
    description: "Only a pipeline without deals that is not the default (`409 pipeline-in-use`).",
    tag: "Pipelines",
    conditional: true,
    response: { status: 204, description: "The pipeline was deleted." },
    errors: [409],
  },
  "pipelines.board": {
    summary: "Pipeline board and forecast",
    description:
      "Per stage the number of deals and their value per currency, weighted by the stage probability, and the pipeline's forecast. Read from totals kept in the same transactions as the deals, so its cost does not grow with the number of deals.",
    tag: "Pipelines",
    response: { status: 200, description: "The board.", schema: pipelineBoardSchema },
  },
} as const satisfies ContractsOf<typeof pipelineRoutes>;
