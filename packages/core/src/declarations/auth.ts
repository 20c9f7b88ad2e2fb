/**
 * The token settings and the cursor key, declared once: `stacks/auth.ts` creates them under these names and the
 * configuration reads them back as `Resource.<name>`; the local cloud links them the same way.
 * Free of runtime dependencies: SST's config loader imports it.
 */

/** Logical name of the settings handlers verify ID tokens with (issuer, audience, JWKS): an `sst.Linkable`. */
export const authSettingsName = "Auth";

/** Logical name of the HMAC key that signs pagination cursors: an `sst.Secret`. */
export const cursorSigningKeyName = "CursorSigningKey";
