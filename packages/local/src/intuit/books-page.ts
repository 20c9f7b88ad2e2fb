import type { FakeBooksControls } from "./accounting";
import { escapeHtml, type FakeResponse, type FakeRoute, parseForm } from "./fake-intuit-types";
import type { FakeIntuitOAuthControls } from "./oauth";

/**
 * The fake's stand-in for the QuickBooks web app: `GET /app/books` lists each company's connection, customers and
 * invoices; its buttons send, pay, void an invoice or disconnect the app, as a bookkeeper would in QuickBooks. It
 * is how a newcomer sees webhooks, CDC and `needs_reauth` happen during `npm start`.
 */
export function booksPage(books: FakeBooksControls, oauth: FakeIntuitOAuthControls): FakeRoute {
  return (request): FakeResponse | undefined => {
    if (request.url.pathname !== "/app/books") return undefined;
    if (request.method === "POST") {
      const form = parseForm(request);
      const realmId = form.get("realmId") ?? "";
      const invoiceId = form.get("invoiceId") ?? "";
      let problem = "";
      try {
        const action = form.get("action");
        if (action === "disconnect") oauth.revokeRealm(realmId);
        if (action === "send") books.sendInvoice(realmId, invoiceId);
        if (action === "pay") books.payInvoice(realmId, invoiceId);
        if (action === "void") books.voidInvoice(realmId, invoiceId);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      return {
        status: 303,
        headers: { location: `/app/books${problem ? `?problem=${encodeURIComponent(problem)}` : ""}` },
      };
    }
    const connected = new Set(
      oauth
        .grants()
        .filter((grant) => grant.revoked === undefined)
        .map((grant) => grant.realmId),
    );
    const button = (realmId: string, action: string, label: string, invoiceId = "") =>
      `<form method="post" style="display:inline"><input type="hidden" name="realmId" value="${escapeHtml(realmId)}"><input type="hidden" name="invoiceId" value="${escapeHtml(invoiceId)}"><button name="action" value="${action}">${label}</button></form>`;
    const sections = books
      .realms()
      .map((realm) => {
        const invoices = books
          .invoices(realm.realmId)
          .map(
            (invoice) =>
              `<tr><td>${escapeHtml(invoice.DocNumber)}</td><td>${escapeHtml(invoice.CustomerRef.name ?? "")}</td><td>${escapeHtml(invoice.TxnDate)}</td><td>${escapeHtml(invoice.DueDate)}</td><td>${invoice.TotalAmt.toFixed(2)} ${escapeHtml(invoice.CurrencyRef.value)}</td><td>${invoice.Balance.toFixed(2)}</td><td>${escapeHtml(invoice.EmailStatus)}${invoice.PrivateNote?.startsWith("Voided") ? " (void)" : ""}</td><td>${
                invoice.Balance > 0
                  ? `${button(realm.realmId, "send", "Send", invoice.Id)}${button(realm.realmId, "pay", "Record payment", invoice.Id)}${button(realm.realmId, "void", "Void", invoice.Id)}`
                  : ""
              }</td></tr>`,
          )
          .join("\n");
        return `<h2>${escapeHtml(realm.companyName)} <small>(realm ${escapeHtml(realm.realmId)}, ${escapeHtml(realm.homeCurrency)})</small></h2>
<p>${connected.has(realm.realmId) ? `Connected to an app. ${button(realm.realmId, "disconnect", "Disconnect the app")}` : "No app connected."}</p>
<p>${books.customers(realm.realmId).length} customers.</p>
<table><tr><th>No.</th><th>Customer</th><th>Date</th><th>Due</th><th>Total</th><th>Balance</th><th>Status</th><th></th></tr>
${invoices}
</table>`;
      })
      .join("\n");
    const problem = request.url.searchParams.get("problem");
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      text: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>QuickBooks (local fake)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#393a3d}table{border-collapse:collapse}td,th{border-bottom:1px solid #d4d7dc;padding:.3rem .6rem;text-align:left}.problem{color:#b00}</style>
</head><body><h1>QuickBooks companies (local fake)</h1>
${problem ? `<p class="problem">${escapeHtml(problem)}</p>` : ""}
${sections}
</body></html>`,
    };
  };
}
