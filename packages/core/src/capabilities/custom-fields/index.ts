export { customFieldRecordTypes, customFieldTypes } from "./custom-field.constants";
export { customFieldContracts } from "./custom-field.contract";
export { CustomFieldDeletionEntity, CustomFieldEntity, CustomFieldKeyEntity } from "./custom-field.entity";
export type { CreateCustomFieldInput, CustomField, UpdateCustomFieldInput } from "./custom-field.schema";
export {
  activeCustomFieldsOf,
  createCustomField,
  customFieldDefinitionsOf,
  customFieldValuesAfterWrite,
  deleteCustomField,
  getCustomField,
  listCustomFields,
  storedCustomFields,
  updateCustomField,
} from "./custom-field.service";
export {
  type CustomFieldDefinition,
  type CustomFieldMemberReference,
  type MergingRecord,
  maxCustomFieldValuesBytes,
  mergedCustomFieldValues,
  validateCustomFieldValues,
} from "./custom-field.values";
