import type { EntityItem } from "electrodb";
import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, NotFoundError } from "../../platform/errors";
import { memberIdFor, newId } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { Identity, TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { writeTransaction } from "../../platform/transactions";
import { MemberEntity } from "../member/member.entity";
import { defaultPipeline } from "../pipeline/default-pipeline";
import { PipelineEntity } from "../pipeline/pipeline.entity";
import { OrganisationEntity } from "./organisation.entity";
import type { CreateOrganisationInput, Membership, Organisation } from "./organisation.schema";

type OrganisationItem = EntityItem<typeof OrganisationEntity>;

function toOrganisation(item: OrganisationItem): Organisation {
  return { id: item.orgId, name: item.name, createdAt: item.createdAt, updatedAt: item.updatedAt };
}

/** Creates an organisation with the caller as its first admin and a default sales pipeline, in one transaction. */
export async function createOrganisation(
  identity: Identity,
  input: CreateOrganisationInput,
  requestId: string,
): Promise<Organisation> {
  const orgId = newId("organisation");
  const at = now();
  const founder = {
    orgId,
    memberId: memberIdFor(orgId, identity.email),
    email: identity.email,
    name: identity.name,
    role: "admin" as const,
    orgName: input.name,
    addedBy: identity.email,
    createdAt: at,
    updatedAt: at,
  };
  const context: TenantContext = {
    orgId,
    actor: { ...identity, memberId: founder.memberId, role: "admin" },
    requestId,
  };
  const organisation: OrganisationItem = {
    orgId,
    name: input.name,
    adminCount: 1,
    createdBy: identity.email,
    createdAt: at,
    updatedAt: at,
  };
  const reasons = await writeTransaction([
    inTransaction(OrganisationEntity).create(organisation).commit(),
    inTransaction(MemberEntity).create(founder).commit(),
    inTransaction(PipelineEntity)
      .create(defaultPipeline(orgId, founder.memberId, at))
      .commit(),
    auditAction(context, {
      recordType: "member",
      recordId: founder.memberId,
      action: "created",
      changes: fieldChanges(null, founder, ["email", "name", "role"]),
    }),
  ]);
  // A fresh random id cannot collide; a cancellation here is a conflict worth retrying.
  if (reasons) throw new ConcurrentModificationError("organisation", orgId);
  return toOrganisation(organisation);
}

export async function getOrganisation(context: TenantContext): Promise<Organisation> {
  const { data } = await OrganisationEntity.get({ orgId: context.orgId }).go();
  if (!data) throw new NotFoundError("organisation", context.orgId);
  return toOrganisation(data);
}

/** The organisations the signed-in person belongs to, with their role in each. */
export async function listMyOrganisations(
  identity: Identity,
  options: { limit: number; cursor?: string },
): Promise<Page<Membership>> {
  return readPage(
    ({ limit, cursor }) => MemberEntity.query.membershipsByEmail({ email: identity.email }).go({ limit, cursor }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "my-organisations", email: identity.email }),
      filtered: false,
      map: (member) => ({ id: member.orgId, name: member.orgName, role: member.role }),
    },
  );
}
