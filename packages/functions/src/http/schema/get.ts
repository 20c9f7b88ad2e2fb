import { recordSchemaContracts, recordSchemas } from "@crm/core/record-schema";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("schema.get", recordSchemaContracts, async ({ tenant }) => recordSchemas(tenant));
