import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { organisationRoutes } from "./organisation.routes";
import { createOrganisationInput, membershipSchema, organisationSchema } from "./organisation.schema";

/** What the routes of organisation.routes.ts accept and answer. */
export const organisationContracts = {
  "orgs.create": {
    summary: "Create an organisation",
    description: "Any signed-in person may create an organisation; they become its first admin.",
    tag: "Organisations",
    body: createOrganisationInput,
    response: { status: 201, description: "The new organisation.", schema: organisationSchema, location: true },
  },
  "orgs.list": {
    summary: "List my organisations",
    description: "The organisations whose members include the caller's email, with the caller's role in each.",
    tag: "Organisations",
    query: pageQuery,
    response: { status: 200, description: "A page of memberships.", schema: page(membershipSchema) },
  },
  "orgs.get": {
    summary: "Get an organisation",
    tag: "Organisations",
    response: { status: 200, description: "The organisation.", schema: organisationSchema },
  },
} as const satisfies ContractsOf<typeof organisationRoutes>;
