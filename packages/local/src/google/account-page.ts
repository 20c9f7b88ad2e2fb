import type { FakeResponse, FakeRoute } from "./fake-google-types";
import type { FakeOAuthControls } from "./oauth";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The fake's "Google Account → Third-party apps with account access" page: `GET /myaccount/permissions` lists each
 * account's live grants, and "Remove access" revokes all of one account's grants, as a person does on Google's own
 * page. It is how a newcomer sees a connection fall into `needs_reauth`.
 */
export function accountPermissionsPage(oauth: FakeOAuthControls): FakeRoute {
  return (request): FakeResponse | undefined => {
    if (request.url.pathname !== "/myaccount/permissions") return undefined;
    if (request.method === "POST") {
      const email = new URLSearchParams(request.body.toString("utf8")).get("email") ?? "";
      if (email) oauth.revokeAccount(email);
      return { status: 303, headers: { location: "/myaccount/permissions" } };
    }
    const live = oauth.grants().filter((grant) => !grant.revoked);
    const byAccount = new Map<string, string[]>();
    for (const grant of live) byAccount.set(grant.email, [...(byAccount.get(grant.email) ?? []), ...grant.scopes]);
    const rows = [...byAccount.entries()]
      .map(
        ([email, scopes]) =>
          `<li><b>${escapeHtml(email)}</b>: ${escapeHtml([...new Set(scopes)].join(", "))}
           <form method="post"><input type="hidden" name="email" value="${escapeHtml(email)}"><button>Remove access</button></form></li>`,
      )
      .join("");
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=UTF-8" },
      text: `<!DOCTYPE html><title>Third-party apps with account access (fake Google)</title>
<h1>Third-party apps with account access</h1>
<ul>${rows || "<li>No app has access to any account.</li>"}</ul>`,
    };
  };
}
