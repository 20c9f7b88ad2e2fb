/** TypeScript: the declarations `@crm/client` is typed by. */

export { schemaTypes } from "./schema-types";
