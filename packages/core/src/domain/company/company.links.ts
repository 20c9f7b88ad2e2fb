import { isIdOf } from "../../platform/ids";
import { inTransaction } from "../../platform/table";
import type { LinkTarget } from "../association/link-target";
import { CompanyEntity } from "./company.entity";

/** How links reach a company: its link count and whether it exists. */
export const companyLinks: LinkTarget<"company"> = {
  type: "company",
  countLinks: (orgId, companyId, delta) =>
    inTransaction(CompanyEntity).patch({ orgId, companyId }).add({ linkCount: delta }).commit(),
  existenceCheck: (orgId, companyId) =>
    inTransaction(CompanyEntity)
      .check({ orgId, companyId })
      .where((attributes, { exists }) => exists(attributes.companyId))
      .commit(),
  exists: async (orgId, companyId) => {
    if (!isIdOf("company", companyId)) return false;
    const { data } = await CompanyEntity.get({ orgId, companyId }).go({ attributes: ["companyId"] });
    return data !== null;
  },
};
