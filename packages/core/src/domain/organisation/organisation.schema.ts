import { z } from "zod";
import { roles } from "../../declarations/routes";
import { organisationIdParam } from "../../platform/path-parameters";
import { text, timestamp } from "../../platform/schema";

export const createOrganisationInput = z.strictObject({ name: text(200).meta({ example: "Acme Ltd" }) }).meta({
  id: "CreateOrganisationInput",
});
export type CreateOrganisationInput = z.infer<typeof createOrganisationInput>;

export const organisationSchema = z
  .object({
    id: organisationIdParam,
    name: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Organisation" });
export type Organisation = z.infer<typeof organisationSchema>;

export const membershipSchema = z
  .object({
    id: organisationIdParam,
    name: z.string(),
    role: z.enum(roles).meta({ description: "The caller's role in this organisation." }),
  })
  .meta({ id: "Membership", description: "An organisation the caller belongs to." });
export type Membership = z.infer<typeof membershipSchema>;
