import { domainEventJsonSchema } from "@crm/core/events";
import { systemContracts } from "@crm/core/system";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("eventSchema.get", systemContracts, async () => domainEventJsonSchema());
