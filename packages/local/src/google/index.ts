export {
  type CalendarEvent,
  type CalendarEventChange,
  type CalendarEventSeed,
  type CalendarFault,
  createFakeCalendar,
  demoCalendars,
  type FakeCalendar,
  type FakeCalendarOptions,
} from "./calendar";
export { demoMailboxes } from "./demo-mailboxes";
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
  createFakeGmail,
  type FakeGmail,
  type FakeGmailControls,
  type FakeGmailOptions,
  type GmailFault,
  type GmailMessageInput,
  type GmailMessageSummary,
  type GmailNotification,
  type GmailOperation,
  type GmailRequestRecord,
  type GmailWatch,
} from "./gmail";
export { googleSettingsFor } from "./google-settings";
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
export {
  createFakePubSub,
  defaultPushServiceAccount,
  type FakePubSub,
  type FakePubSubControls,
  type FakePubSubOptions,
  type PushAttempt,
  type PushEndpoint,
  type PushEnvelope,
} from "./pubsub";
