export { apiKeyContracts } from "./api-key.contract";
export { ApiKeyEntity } from "./api-key.entity";
export { type ApiKeyAccess, findApiKeyAccess, forgetApiKey } from "./api-key.queries";
export type { ApiKey, ApiKeyWithSecret, CreateApiKeyInput } from "./api-key.schema";
export { type ApiKeyCredential, apiKeyCredentialOf, isApiKeyToken } from "./api-key.secret";
export { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "./api-key.service";
