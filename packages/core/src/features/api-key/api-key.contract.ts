import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { apiKeyRoutes } from "./api-key.routes";
import {
  apiKeySchema,
  apiKeyWithSecretSchema,
  createApiKeyInput,
  maxActiveApiKeysPerOrganisation,
} from "./api-key.schema";

/** What the routes of api-key.routes.ts accept and answer. */
export const apiKeyContracts = {
  "apiKeys.create": {
    summary: "Create an API key",
    description: `For server-to-server callers (sync scripts, automation tools). The response carries the key, which no later response shows. A key acts only in this organisation and only on the routes its scopes allow; what it changes is audited with the key's id as the actor, and records it creates without an owner belong to the admin who created it. At most ${maxActiveApiKeysPerOrganisation} keys that can still be used per organisation.`,
    tag: "API keys",
    body: createApiKeyInput,
    response: {
      status: 201,
      description: "The new key, with its secret.",
      schema: apiKeyWithSecretSchema,
      location: true,
    },
  },
  "apiKeys.list": {
    summary: "List API keys",
    description: "The organisation's keys, newest first, revoked and expired ones included; never their secrets.",
    tag: "API keys",
    query: pageQuery,
    response: { status: 200, description: "A page of keys.", schema: page(apiKeySchema) },
  },
  "apiKeys.get": {
    summary: "Get an API key",
    tag: "API keys",
    response: { status: 200, description: "The key, without its secret.", schema: apiKeySchema },
  },
  "apiKeys.revoke": {
    summary: "Revoke an API key",
    description:
      "The key stops working within seconds (each function container may trust what it read for up to `MEMBERSHIP_CACHE_MS`, 5 s by default) and stays listed as revoked. Revoking a revoked key changes nothing.",
    tag: "API keys",
    response: { status: 204, description: "The key is revoked." },
  },
} as const satisfies ContractsOf<typeof apiKeyRoutes>;
