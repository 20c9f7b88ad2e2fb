import { z } from "zod";
import { roles } from "../../declarations/routes";
import { memberIdParam } from "../../platform/path-parameters";
import { emailAddress, text, timestamp } from "../../platform/schema";

export const roleSchema = z.enum(roles).meta({
  id: "Role",
  description:
    "viewer reads; member creates and edits, deletes what they own; manager and admin edit and delete anything; only admin manages members.",
});

export const addMemberInput = z
  .strictObject({
    email: emailAddress.meta({ description: "The person signs in with a token carrying this email." }),
    role: roleSchema,
    name: text(200).optional(),
  })
  .meta({ id: "AddMemberInput" });
export type AddMemberInput = z.infer<typeof addMemberInput>;

export const updateMemberInput = z
  .strictObject({ role: roleSchema.optional(), name: text(200).nullable().optional() })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateMemberInput" });
export type UpdateMemberInput = z.infer<typeof updateMemberInput>;

export const memberSchema = z
  .object({
    id: memberIdParam,
    email: z.string(),
    name: z.string().nullable(),
    role: roleSchema,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof memberSchema>;
