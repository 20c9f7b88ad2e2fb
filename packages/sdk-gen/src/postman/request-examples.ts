import type { RouteId } from "@crm/core/declarations";

/**
 * Example bodies chosen by hand where the schema alone makes a poor one: the first steps of a newcomer (the
 * README's "Try it"), activities (which must link a record), and bodies whose rules span fields or time (a pipeline's
 * won and lost stages, a change of at least one field, an expiry in the future). `{{contactId}}` and the like are the ids the
 * creates before them kept. A test checks each against its route's body schema.
 */
export const requestBodyExamples: Partial<Record<RouteId, unknown>> = {
  "contacts.create": { firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"], tags: ["vip"] },
  "contacts.update": { title: "Countess" },
  "companies.create": { name: "Initech", domain: "initech.com", industry: "Software" },
  "companies.update": { size: "51-200" },
  "deals.create": {
    title: "Forty seats",
    value: { amount: 400000, currency: "EUR" },
    companyId: "{{companyId}}",
    contactIds: ["{{contactId}}"],
  },
  "deals.update": { expectedCloseDate: "2027-03-31" },
  "activities.create": { type: "call", subject: "Intro call", durationMinutes: 30, dealIds: ["{{dealId}}"] },
  "activities.update": { body: "Wants a quote for forty seats." },
  "pipelines.create": {
    name: "Enterprise",
    stages: [
      { name: "Qualified", probability: 20 },
      { name: "Won", probability: 100, kind: "won" },
      { name: "Lost", probability: 0, kind: "lost" },
    ],
  },
  "automationRules.update": { enabled: false },
  // No expiresAt: a fixed example date would one day be in the past, which the API refuses.
  "apiKeys.create": { name: "Reporting script", scopes: ["contacts:read", "deals:read"] },
};
