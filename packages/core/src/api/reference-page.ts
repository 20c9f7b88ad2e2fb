import { referencePagePaths } from "../declarations/reference-page";

export { referencePagePaths, referencePageScriptFile } from "../declarations/reference-page";

const escapeAttribute = (value: string) =>
  value.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

/**
 * The page's Content-Security-Policy. Scripts only from this origin (Scalar's file; no inline script: the
 * configuration travels in a JSON element, which is never executed); "try it" calls only this API
 * (`connect-src 'self'`); no frames, forms, plugins or base URL; never framed itself. Inline styles are allowed:
 * Scalar's components set style attributes and inject style elements at run time (a nonce would cover only the
 * first), and a style cannot run code.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The API reference page: Scalar rendering this API's OpenAPI document, with "try it" aimed at the origin the page
 * was served from (`origin`, e.g. `http://127.0.0.1:3000` locally), a bearer token pasted by the reader, and nothing
 * loaded from elsewhere (no default fonts, no AI agent, no telemetry, no proxy).
 */
export function referencePage(origin: string): { html: string; contentSecurityPolicy: string } {
  const configuration = {
    url: referencePagePaths.document,
    servers: [{ url: origin, description: "This API (the one serving this page)" }],
    authentication: { preferredSecurityScheme: "bearer" },
    persistAuth: false,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    defaultOpenAllTags: true,
    showDeveloperTools: "never",
    documentDownloadType: "json",
    metaData: { title: "CRM API reference" },
  };
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="data:," />
    <title>CRM API reference</title>
  </head>
  <body>
    <noscript>
      The reference needs JavaScript. The OpenAPI document is at <a href="${referencePagePaths.document}">${referencePagePaths.document}</a>,
      the domain events' JSON Schema at <a href="${referencePagePaths.eventSchema}">${referencePagePaths.eventSchema}</a>.
    </noscript>
    <script id="api-reference" type="application/json" data-configuration="${escapeAttribute(JSON.stringify(configuration))}"></script>
    <script src="${referencePagePaths.script}"></script>
  </body>
</html>
`;
  return { html, contentSecurityPolicy };
}
