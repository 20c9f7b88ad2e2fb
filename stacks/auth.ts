import { authSettingsName, cursorSigningKeyName } from "../packages/core/src/declarations";
import { linkable } from "./links";

/** Cognito: people sign in with their email; the API verifies the client's ID tokens itself (aws-jwt-verify). */
export const userPool = new sst.aws.CognitoUserPool("Users", { usernames: ["email"] });

export const webClient = userPool.addClient("Web");

const issuer = $interpolate`https://cognito-idp.${aws.getRegionOutput().region}.amazonaws.com/${userPool.id}`;

/** What handlers need to verify tokens: the same shape the local identity provider provides. */
export const auth = linkable(
  authSettingsName,
  new sst.Linkable(authSettingsName, {
    properties: {
      issuer,
      audience: webClient.id,
      jwksUri: $interpolate`${issuer}/.well-known/jwks.json`,
    },
  }),
);

/** HMAC key for pagination cursors: `sst secret set CursorSigningKey <random> --stage <stage>`. */
export const cursorSigningKey = linkable(cursorSigningKeyName, new sst.Secret(cursorSigningKeyName));
