import { type OpenApiDocument, operationsOf } from "../document";
import { localBaseUrl } from "./postman-collection";

type EnvironmentValue = { key: string; value: string; type: "default" | "secret"; enabled: true };

export type PostmanEnvironment = {
  name: string;
  values: EnvironmentValue[];
  _postman_variable_scope: "environment";
};

/**
 * The environment for the local cloud: its base URL, the token (`npm run token`) and one empty variable per path
 * parameter of the document, which a create's script fills (`contactId`) or the caller sets (`orgId`).
 */
export function localPostmanEnvironment(document: OpenApiDocument): PostmanEnvironment {
  const pathParameters = new Set(
    operationsOf(document).flatMap((operation) =>
      operation.parameters.filter((parameter) => parameter.in === "path").map((parameter) => parameter.name),
    ),
  );
  return {
    name: "CRM local cloud",
    values: [
      { key: "baseUrl", value: localBaseUrl, type: "default", enabled: true },
      { key: "token", value: "", type: "secret", enabled: true },
      ...[...pathParameters].map((key) => ({ key, value: "", type: "default" as const, enabled: true as const })),
    ],
    _postman_variable_scope: "environment",
  };
}
