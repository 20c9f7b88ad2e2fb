import { isIdOf } from "../../platform/ids";
import { inTransaction } from "../../platform/table";
import type { LinkTarget } from "../association/link-target";
import { DealEntity } from "./deal.entity";

/** How links reach a deal: its link count and whether it exists. */
export const dealLinks: LinkTarget<"deal"> = {
  type: "deal",
  countLinks: (orgId, dealId, delta) =>
    inTransaction(DealEntity).patch({ orgId, dealId }).add({ linkCount: delta }).commit(),
  existenceCheck: (orgId, dealId) =>
    inTransaction(DealEntity)
      .check({ orgId, dealId })
      .where((attributes, { exists }) => exists(attributes.dealId))
      .commit(),
  exists: async (orgId, dealId) => {
    if (!isIdOf("deal", dealId)) return false;
    const { data } = await DealEntity.get({ orgId, dealId }).go({ attributes: ["dealId"] });
    return data !== null;
  },
};
