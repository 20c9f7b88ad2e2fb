import { z } from "zod";

/** RFC 9457 problem details, as every 4xx and 5xx of this API is shaped. */
export const problemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: "URI reference identifying the problem type.", example: "/problems/validation-failed" }),
    title: z.string().meta({ example: "Your request is not valid." }),
    status: z.number().int().meta({ example: 400 }),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: "The request path." }),
    code: z.string().meta({ description: "Stable machine-readable error code.", example: "validation-failed" }),
    requestId: z.string().meta({ description: "Quote this when reporting a problem." }),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ example: "body.emails.0" }),
          message: z.string().meta({ example: "Invalid email address" }),
        }),
      )
      .optional()
      .meta({ description: "Present on validation failures: one entry per failing field." }),
    existing: z
      .object({ type: z.string(), id: z.string() })
      .optional()
      .meta({ description: "Present on duplicates: the record that already holds the value." }),
    allow: z.array(z.string()).optional(),
  })
  .meta({ id: "Problem" });
