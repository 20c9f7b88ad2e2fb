import { z } from "zod";
import { apiKeyScopes } from "../../declarations/route-declaration";
import { apiKeyIdParam, memberIdParam } from "../../platform/path-parameters";
import { text, timestamp } from "../../platform/schema";

/** Keys that can still be used, per organisation: enough for every integration a small business runs. */
export const maxActiveApiKeysPerOrganisation = 50;

export const apiKeyStatuses = ["active", "expired", "revoked"] as const;

const scopeList = z
  .array(z.enum(apiKeyScopes))
  .min(1)
  .max(apiKeyScopes.length)
  .transform((scopes) => [...new Set(scopes)].sort())
  .meta({
    description:
      "What the key may do: `<resource>:read` allows the resource's GET routes, `<resource>:write` its other routes and its GET routes too. Each route's scope is in its `security` entry.",
    example: ["contacts:write", "deals:read"],
  });

export const createApiKeyInput = z
  .strictObject({
    name: text(100).meta({ description: "What the key is for, e.g. the script or tool that uses it." }),
    scopes: scopeList,
    expiresAt: timestamp
      .refine((value) => Date.parse(value) > Date.now(), { message: "Must be in the future." })
      .optional()
      // An example far ahead, so that it stays a valid request for as long as the document is read.
      .meta({
        description: "When the key stops working; without it, it works until revoked.",
        example: "2099-12-31T23:59:59.000Z",
      }),
  })
  .meta({ id: "CreateApiKeyInput" });
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export const apiKeySchema = z
  .object({
    id: apiKeyIdParam,
    name: z.string(),
    scopes: z.array(z.string()),
    status: z.enum(apiKeyStatuses),
    expiresAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable().meta({ description: "When a request last used the key, to the minute." }),
    createdBy: memberIdParam,
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
    revokedBy: memberIdParam.nullable(),
  })
  .meta({ id: "ApiKey" });
export type ApiKey = z.infer<typeof apiKeySchema>;

export const apiKeyWithSecretSchema = apiKeySchema
  .extend({
    secret: z.string().meta({
      description:
        "The key itself (`crm_key_….<secret>`), shown only in this response: send it as `Authorization: Bearer <secret>`. Only its hash is stored.",
    }),
  })
  .meta({ id: "ApiKeyWithSecret" });
export type ApiKeyWithSecret = z.infer<typeof apiKeyWithSecretSchema>;
