import type { EntityItem } from "electrodb";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { OrganisationEntity } from "./organisation.entity";
import type { Organisation } from "./organisation.schema";

export type OrganisationItem = EntityItem<typeof OrganisationEntity>;

export function toOrganisation(item: OrganisationItem): Organisation {
  return { id: item.orgId, name: item.name, createdAt: item.createdAt, updatedAt: item.updatedAt };
}

/** The organisation's item, or NotFoundError. */
export async function loadOrganisation(orgId: string): Promise<OrganisationItem> {
  const { data } = await OrganisationEntity.get({ orgId }).go();
  if (!data) throw new NotFoundError("organisation", orgId);
  return data;
}

export async function getOrganisation(context: TenantContext): Promise<Organisation> {
  return toOrganisation(await loadOrganisation(context.orgId));
}
