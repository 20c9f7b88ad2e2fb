/** The public surface of duplicate detection: match keys and their derivation. */
export { mergeableRecordTypes } from "./duplicates.constants";
export { MatchKeyEntity } from "./match-key.entity";
export { matchKeysOfCompany, matchKeysOfContact, normalisedCompanyName, normalisedEmail } from "./match-keys";
