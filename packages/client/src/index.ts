/** The public surface of @crm/client: the client factory and the API's generated types. */

export {
  type CrmClient,
  type CrmClientMethod,
  type CrmClientOptions,
  type CrmCredential,
  createCrmClient,
} from "./crm-client";
export type { components, operations, paths } from "./schema";

import type { components } from "./schema";

/** The API's named schemas: `Schemas["Contact"]`, `Schemas["CreateDealInput"]`, … */
export type Schemas = components["schemas"];
