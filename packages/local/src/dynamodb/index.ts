export {
  type DynamoDbLocal,
  type DynamoDbLocalOptions,
  DynamoDbLocalStartError,
  findJava,
  JavaNotFoundError,
  type JavaRuntime,
  localAwsClientConfig,
  type ProcessExit,
  startDynamoDbLocal,
} from "./dynamodb-local";
export {
  type AttributeDeclaration,
  createTableInput,
  type KeyDeclaration,
  type ProvisioningReport,
  provisionTable,
  type StreamDeclaration,
  type TableDeclaration,
  TableProvisioningError,
} from "./table-provisioner";
