/** The parts of the OpenAPI 3.1 document the generators read, and an example value of any of its schemas. */

export type { JsonSchema, OpenApiDocument } from "./openapi-document";
export { type ApiOperation, operationsOf } from "./operations";
export { type ExampleOptions, exampleOf } from "./schema-examples";
