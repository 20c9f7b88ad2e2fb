import { referencePage } from "@crm/core/reference-page";
import { systemContracts } from "@crm/core/system";
// From its own module, not the platform index: a public route's bundle need not hold the signed-in routes' factory.
import { publicEndpoint } from "../../platform/public-endpoint";

export const handler = publicEndpoint("docs.page", systemContracts, async ({ event }) => {
  // "Try it" calls the origin that served the page: API Gateway's (HTTPS) in AWS, the local cloud's locally.
  const scheme = event.headers["x-forwarded-proto"] ?? "https";
  const { html, contentSecurityPolicy } = referencePage(`${scheme}://${event.requestContext.domainName}`);
  return {
    text: html,
    headers: { "content-security-policy": contentSecurityPolicy, "cache-control": "no-cache" },
  };
});
