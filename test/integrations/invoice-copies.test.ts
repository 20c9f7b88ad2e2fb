import { storeInvoice } from "@crm/core/integration";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aDeal } from "../support/builders";
import { aStoredConnection, storedConnection } from "../support/integrations";
import { anOrganisation } from "../support/organisations";

/** An invoice as the books report it at one moment. */
const reported = (at: string, overrides: Partial<Parameters<typeof storeInvoice>[2]> = {}) => ({
  externalId: "1042",
  number: "1042",
  status: "sent" as const,
  currency: "USD",
  total: 500,
  balance: 500,
  issuedOn: "2026-11-02",
  dueOn: "2099-12-01",
  externalUpdatedAt: at,
  ...overrides,
});

async function aBooksCopy() {
  const org = await anOrganisation();
  const company = await aCompany(org);
  const { connectionId } = await aStoredConnection(org, org.admin, "quickbooks", { accountKey: `realm-${org.orgId}` });
  const connection = await storedConnection(org, connectionId);
  const invoices = async () =>
    (
      await invoke("companies.invoices", {
        token: org.admin.token,
        params: { orgId: org.orgId, companyId: company.id },
      })
    ).body.data;
  const events = async () =>
    (await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId } })).body.data
      .filter((entry: { recordType: string }) => entry.recordType === "invoice" || entry.recordType === "payment")
      .map((entry: { recordType: string; action: string }) => `${entry.recordType}.${entry.action}`);
  return { org, company, connection, invoices, events };
}

describe("the CRM's copy of an invoice", () => {
  it("is never replaced by a copy read earlier (a late webhook's sync after the poll's)", async () => {
    const { company, connection, invoices, events } = await aBooksCopy();
    const paid = reported("2026-11-20T10:00:05.000Z", {
      status: "paid",
      balance: 0,
      payments: [{ externalId: "p1", amount: 500, receivedOn: "2026-11-20" }],
      paymentIds: ["p1"],
    });
    expect(await storeInvoice(connection, company.id, reported("2026-11-20T10:00:00.000Z"))).toBe(true);
    expect(await storeInvoice(connection, company.id, paid)).toBe(true);
    expect(await storeInvoice(connection, company.id, reported("2026-11-20T10:00:00.000Z"))).toBe(false);
    expect(await invoices()).toEqual([
      expect.objectContaining({ status: "paid", balance: { amount: 0, currency: "USD" } }),
    ]);
    expect((await events()).sort()).toEqual(["invoice.created", "invoice.paid", "payment.received"]);
  });

  it("keeps its deal once linked, and a link to the deal it was drafted from is added to a newer copy", async () => {
    const { org, company, connection, invoices } = await aBooksCopy();
    const deal = await aDeal(org, { companyId: company.id });
    await storeInvoice(connection, company.id, reported("2026-11-20T10:00:05.000Z"));
    // The draft's own copy, read before the sync's newer one, still links the deal, and changes nothing else.
    expect(
      await storeInvoice(connection, company.id, reported("2026-11-20T10:00:00.000Z", { total: 1 }), deal.id),
    ).toBe(true);
    expect(await invoices()).toEqual([
      expect.objectContaining({ dealId: deal.id, total: { amount: 500_00, currency: "USD" } }),
    ]);
    await storeInvoice(connection, company.id, reported("2026-11-21T09:00:00.000Z", { status: "void", balance: 0 }));
    expect(await invoices()).toEqual([expect.objectContaining({ dealId: deal.id, status: "void" })]);
  });
});
