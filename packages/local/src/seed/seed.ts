import { createCompany } from "@crm/core/company";
import { createContact } from "@crm/core/contact";
import { addMember, findActor } from "@crm/core/member";
import { createOrganisation, listMyOrganisations } from "@crm/core/organisation";
import { type Identity, memberIdFor, type TenantContext } from "@crm/core/platform";
import { demoCompanies, demoContacts, demoOrganisationName, demoPeople } from "./demo-data";

export type SeedReport = { seeded: boolean; orgId: string; people: typeof demoPeople };

const identityOf = (person: { email: string; name: string }): Identity => ({
  userId: `seed:${person.email}`,
  email: person.email,
  name: person.name,
});

/**
 * Seeds the demo organisation through the same services the API uses, once: if the demo admin already belongs to
 * an organisation, nothing is written.
 */
export async function seedDemoData(): Promise<SeedReport> {
  const admin = identityOf(demoPeople.admin);
  const existing = await listMyOrganisations(admin, { limit: 1 });
  if (existing.data[0]) return { seeded: false, orgId: existing.data[0].id, people: demoPeople };

  const organisation = await createOrganisation(admin, { name: demoOrganisationName }, "seed");
  const actor = await findActor(organisation.id, admin);
  if (!actor) throw new Error("The demo admin was not stored as a member.");
  const context: TenantContext = { orgId: organisation.id, actor, requestId: "seed" };

  await addMember(context, { email: demoPeople.member.email, name: demoPeople.member.name, role: "member" });
  await addMember(context, { email: demoPeople.viewer.email, name: demoPeople.viewer.name, role: "viewer" });
  const memberId = memberIdFor(organisation.id, demoPeople.member.email);

  const companyIds: string[] = [];
  for (const company of demoCompanies) {
    const created = await createCompany(context, {
      name: company.name,
      domain: company.domain,
      industry: company.industry,
      size: company.size,
      address: { city: company.city, country: company.country },
      tags: company.size === "5001+" ? ["enterprise"] : [],
    });
    companyIds.push(created.id);
  }
  for (const contact of demoContacts()) {
    await createContact(context, {
      firstName: contact.firstName,
      lastName: contact.lastName,
      emails: [contact.email],
      phones: [contact.phone],
      title: contact.title,
      tags: contact.tags,
      ...(contact.companyIndex === null ? {} : { companyId: companyIds[contact.companyIndex] }),
      ...(contact.ownedByMember ? { ownerId: memberId } : {}),
    });
  }
  return { seeded: true, orgId: organisation.id, people: demoPeople };
}
