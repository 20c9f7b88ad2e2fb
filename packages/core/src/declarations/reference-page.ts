// Dependency-free, as every declaration: the route table (SST's config loader) imports it.

/** Where the reference page finds its parts: all on the API's own origin, so its CSP can allow nothing else. */
export const referencePagePaths = {
  page: "/docs",
  script: "/docs/scalar.js",
  document: "/openapi.json",
  eventSchema: "/events/schema.json",
} as const;

/** Scalar's standalone build (its script, styles and fonts in one file), served by the API itself: no CDN. */
export const referencePageScriptFile = "node_modules/@scalar/api-reference/dist/browser/standalone.js";
