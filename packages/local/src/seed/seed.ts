import { createActivity, updateActivity } from "@crm/core/activity";
import { createCompany } from "@crm/core/company";
import { createContact } from "@crm/core/contact";
import { createCustomField } from "@crm/core/custom-fields";
import { createDeal, moveDealToStage } from "@crm/core/deal";
import { addMember, createOrganisation, findActor, listMyOrganisations } from "@crm/core/member";
import { listPipelines } from "@crm/core/pipeline";
import { type Identity, memberIdFor, type TenantContext } from "@crm/core/platform";
import { createSavedView } from "@crm/core/saved-view";
import {
  demoCompanies,
  demoContacts,
  demoDeals,
  demoDuplicateContact,
  demoOrganisationName,
  demoPeople,
} from "./demo-data";

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

  // A few custom fields, so the forms, the schema and the lists show some.
  const tier = await createCustomField(context, {
    recordType: "company",
    key: "accountTier",
    label: "Account tier",
    description: "How much attention the account gets.",
    type: "singleSelect",
    required: false,
    options: [{ label: "Gold" }, { label: "Silver" }, { label: "Bronze" }],
  });
  const tierOf = (size: string) => tier.options[size === "5001+" ? 0 : size === "1001-5000" ? 1 : 2]?.id;
  await createCustomField(context, {
    recordType: "contact",
    key: "newsletter",
    label: "Newsletter",
    description: "Agreed to receive the newsletter.",
    type: "boolean",
    required: false,
  });
  await createCustomField(context, {
    recordType: "deal",
    key: "renewalDate",
    label: "Renewal date",
    description: "When the contract comes up for renewal.",
    type: "date",
    required: false,
  });

  const companyIds: string[] = [];
  for (const company of demoCompanies) {
    const created = await createCompany(context, {
      name: company.name,
      domain: company.domain,
      industry: company.industry,
      size: company.size,
      address: { city: company.city, country: company.country },
      tags: company.size === "5001+" ? ["enterprise"] : [],
      customFields: { accountTier: tierOf(company.size) },
    });
    companyIds.push(created.id);
  }
  const contactIdsByCompany = new Map<number, string[]>();
  for (const contact of demoContacts()) {
    const created = await createContact(context, {
      firstName: contact.firstName,
      lastName: contact.lastName,
      emails: [contact.email],
      phones: [contact.phone],
      title: contact.title,
      tags: contact.tags,
      customFields: { newsletter: contact.tags.length > 0 },
      ...(contact.companyIndex === null ? {} : { companyId: companyIds[contact.companyIndex] }),
      ...(contact.ownedByMember ? { ownerId: memberId } : {}),
    });
    if (contact.companyIndex !== null) {
      contactIdsByCompany.set(contact.companyIndex, [
        ...(contactIdsByCompany.get(contact.companyIndex) ?? []),
        created.id,
      ]);
    }
  }
  const duplicate = demoDuplicateContact();
  await createContact(context, {
    firstName: duplicate.firstName,
    lastName: duplicate.lastName,
    emails: [duplicate.email],
    phones: [duplicate.phone],
    title: duplicate.title,
    ...(duplicate.companyIndex === null ? {} : { companyId: companyIds[duplicate.companyIndex] }),
  });
  await seedDeals(context, companyIds, contactIdsByCompany, memberId);
  await createSavedView(context, {
    name: "Big open deals",
    recordType: "deal",
    filter: {
      and: [
        { field: "status", op: "eq", value: "open" },
        { field: "amount", op: "gte", value: 10_000_00 },
      ],
    },
    columns: ["title", "value", "stageId", "expectedCloseDate", "customFields.renewalDate"],
    visibility: "organisation",
  });
  return { seeded: true, orgId: organisation.id, people: demoPeople };
}

const day = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * day);

/**
 * Deals in every stage of the default pipeline, each walked through the open stages before its own (so the stage
 * history is real), with a history of calls, meetings, emails and notes, and open, overdue and completed tasks.
 */
async function seedDeals(
  context: TenantContext,
  companyIds: string[],
  contactIdsByCompany: Map<number, string[]>,
  memberId: string,
) {
  const { data: pipelines } = await listPipelines(context);
  const pipeline = pipelines.find((candidate) => candidate.isDefault);
  if (!pipeline) throw new Error("The demo organisation has no default pipeline.");
  const stageId = (name: string) => pipeline.stages.find((stage) => stage.name === name)?.id as string;
  const openStages = ["Lead", "Qualified", "Proposal", "Negotiation"];

  for (const [index, deal] of demoDeals().entries()) {
    const contactIds = (contactIdsByCompany.get(deal.companyIndex) ?? []).slice(0, 2);
    const created = await createDeal(context, {
      title: deal.title,
      value: { amount: deal.amount, currency: deal.currency },
      companyId: companyIds[deal.companyIndex],
      contactIds,
      expectedCloseDate: daysFromNow(deal.closeInDays).toISOString().slice(0, 10),
      customFields: {
        renewalDate: daysFromNow(deal.closeInDays + 365)
          .toISOString()
          .slice(0, 10),
      },
      ...(deal.ownedByMember ? { ownerId: memberId } : {}),
    });
    const closed = deal.stage === "Won" || deal.stage === "Lost";
    const path = closed
      ? [...openStages.slice(1), deal.stage]
      : openStages.slice(1, openStages.indexOf(deal.stage) + 1);
    for (const name of path) {
      await moveDealToStage(context, created.id, {
        stageId: stageId(name),
        ...(name === "Lost" ? { lostReason: "Went with a cheaper competitor" } : {}),
      });
    }

    const links = { dealIds: [created.id], contactIds };
    await createActivity(context, {
      type: "call",
      subject: `Discovery call: ${deal.title}`,
      body: "Walked through their current process and budget.",
      durationMinutes: 30,
      occurredAt: daysFromNow(-20 + index).toISOString(),
      ...links,
    });
    await createActivity(context, {
      type: index % 2 === 0 ? "meeting" : "email",
      subject: index % 2 === 0 ? "On-site demo" : "Sent pricing and references",
      ...(index % 2 === 0 ? { durationMinutes: 60 } : {}),
      occurredAt: daysFromNow(-10 + (index % 5)).toISOString(),
      ...links,
    });
    await createActivity(context, { type: "note", subject: "Decision maker is the COO", ...links });
    if (!["Won", "Lost"].includes(deal.stage)) {
      const task = await createActivity(context, {
        type: "task",
        subject: index % 3 === 0 ? "Follow up on proposal" : "Schedule next call",
        dueAt: daysFromNow(index % 3 === 0 ? -2 : 3 + index).toISOString(),
        priority: index % 3 === 0 ? "high" : "normal",
        assigneeId: deal.ownedByMember ? memberId : context.actor.memberId,
        ...links,
      });
      if (index % 4 === 1) await updateActivity(context, task.id, { done: true });
    }
  }
}
