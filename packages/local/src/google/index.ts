export { type FakeGoogle, type FakeGoogleOptions, startFakeGoogle } from "./fake-google";
export type {
  FakeGoogleAuthority,
  FakeRequest,
  FakeResponse,
  FakeRoute,
  GoogleAccount,
  TokenGrant,
} from "./fake-google-types";
export { googleError, invalidCredentials } from "./fake-google-types";
export {
  type ConsentChoice,
  createFakeOAuth,
  createSigningKeys,
  type FakeGrantSummary,
  type FakeOAuthClient,
  type FakeOAuthControls,
  type FakeSigningKeys,
  type GoogleTokenResponse,
  googleIssuer,
  googleSubjectFor,
} from "./oauth";
