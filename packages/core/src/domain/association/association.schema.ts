import { z } from "zod";
import { pageCursor, pageLimit } from "../../platform/schema";
import { associableTypes } from "./association.constants";

export const listAssociationsQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  type: z.enum(associableTypes).optional().meta({ description: "Only linked records of this type." }),
});
export type ListAssociationsQuery = z.infer<typeof listAssociationsQuery>;

export const associationSchema = z
  .object({
    type: z.enum(associableTypes),
    id: z.string(),
    primary: z.boolean().meta({ description: "For a contact's companies: the primary one." }),
    linkedAt: z.iso.datetime(),
  })
  .meta({ id: "Association" });
export type Association = z.infer<typeof associationSchema>;
