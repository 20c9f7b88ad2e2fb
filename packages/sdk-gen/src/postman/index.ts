/** Postman: a collection (v2.1) of the API and an environment for the local cloud. */

export {
  localBaseUrl,
  type PostmanCollection,
  type PostmanFolder,
  type PostmanRequestItem,
  postmanCollection,
  postmanCollectionSchema,
} from "./postman-collection";
export { localPostmanEnvironment, type PostmanEnvironment } from "./postman-environment";
