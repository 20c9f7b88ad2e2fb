export { recordSchemaContracts } from "./record-schema.contract";
export { recordSchemas } from "./record-schema.service";
