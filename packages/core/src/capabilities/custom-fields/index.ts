export { customFieldRecordTypes, customFieldTypes } from "./custom-field.constants";
export { customFieldContracts } from "./custom-field.contract";
export { CustomFieldDeletionEntity, CustomFieldEntity, CustomFieldKeyEntity } from "./custom-field.entity";
export type { CreateCustomFieldInput, CustomField, UpdateCustomFieldInput } from "./custom-field.schema";
export {
  activeCustomFieldsOf,
  createCustomField,
  customFieldDefinitionsOf,
  deleteCustomField,
  getCustomField,
  listCustomFields,
  updateCustomField,
} from "./custom-field.service";
export { validateCustomFieldValues } from "./custom-field.values";
