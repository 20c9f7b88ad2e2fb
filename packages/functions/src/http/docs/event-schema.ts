import { domainEventJsonSchema } from "@crm/core/events";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("eventSchema.get", async () => domainEventJsonSchema());
