import { domainEventJsonSchema } from "@crm/core/events";
import { systemContracts } from "@crm/core/system";
// From its own module, not the platform index: a public route's bundle need not hold the signed-in routes' factory.
import { publicEndpoint } from "../../platform/public-endpoint";

export const handler = publicEndpoint("eventSchema.get", systemContracts, async () => domainEventJsonSchema());
