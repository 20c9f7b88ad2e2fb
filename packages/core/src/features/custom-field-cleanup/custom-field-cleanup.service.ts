import type { EntityItem } from "electrodb";
import { auditAction } from "../../capabilities/audit/audit.service";
import type { CustomFieldRecordType } from "../../capabilities/custom-fields/custom-field.constants";
import {
  CustomFieldDeletionEntity,
  CustomFieldEntity,
  CustomFieldKeyEntity,
} from "../../capabilities/custom-fields/custom-field.entity";
import {
  searchDocumentOfCompany,
  searchDocumentOfContact,
  searchDocumentOfDeal,
  searchTermActions,
} from "../../capabilities/search/search.service";
import { ActivityEntity } from "../../domain/activity/activity.entity";
import { CompanyEntity } from "../../domain/company/company.entity";
import { ContactEntity } from "../../domain/contact/contact.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { newUlid } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import type { TransactionAction } from "../../platform/transactions";

type Deletion = EntityItem<typeof CustomFieldDeletionEntity>;
type Values = Record<string, unknown> | undefined;

/** Records read per page, and pages per deletion in one run: bounded, the cursor is kept for the next run. */
const pageSize = 100;
const pagesPerRun = 20;
/** Deletions one run works on. */
const deletionsPerRun = 10;

/** The context the cleanup writes its audit entries in: a named system actor of the organisation. */
const cleanupContext = (orgId: string): TenantContext => ({
  orgId,
  requestId: `job:customFieldCleanup:${newUlid()}`,
  actor: { userId: "system", email: "custom-fields@system.invalid", memberId: "system:custom-fields", role: "admin" },
});

/** The values without the key: the rest, or nothing left (no empty maps on items). */
function without(values: Values, key: string): Values {
  const { [key]: _removed, ...rest } = values ?? {};
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * A record that holds the key: its id, its version and the writes that remove the key, guarded by that version:
 * the record's own and its search terms' (the value may have been one).
 */
type Holder = {
  id: string;
  version: number;
  before: Values;
  write: (after: Values, at: string) => TransactionAction[];
};

/** The searched keys without the removed one, or nothing left. */
function searchedWithout(keys: string[] | undefined, key: string): string[] | undefined {
  const rest = (keys ?? []).filter((each) => each !== key);
  return rest.length > 0 ? rest : undefined;
}
type RecordPage = { holders: Holder[]; cursor: string | null };

const holds = (values: unknown, key: string): values is Record<string, unknown> =>
  typeof values === "object" && values !== null && Object.hasOwn(values, key);

/** One page of the organisation's records of a type, in creation order, and those of them that hold the key. */
const pagesOf: Record<
  CustomFieldRecordType,
  (orgId: string, key: string, cursor: string | null) => Promise<RecordPage>
> = {
  contact: async (orgId, key, cursor) => {
    const page = await ContactEntity.query.contactsByCreation({ orgId }).go({ cursor, limit: pageSize });
    return {
      cursor: page.cursor,
      holders: page.data
        .filter((item) => holds(item.customFields, key))
        .map((item) => ({
          id: item.contactId,
          version: item.version,
          before: item.customFields as Values,
          write: (after, at) => {
            const searched = searchedWithout(item.searchedCustomFields, key);
            return [
              inTransaction(ContactEntity)
                .patch({ orgId, contactId: item.contactId })
                .set({
                  ...(after ? { customFields: after } : {}),
                  ...(searched ? { searchedCustomFields: searched } : {}),
                  version: item.version + 1,
                  updatedAt: at,
                })
                .remove([
                  ...(after ? [] : ["customFields" as const]),
                  ...(searched ? [] : ["searchedCustomFields" as const]),
                ])
                .where((attributes, { eq }) => eq(attributes.version, item.version))
                .commit(),
              ...searchTermActions(
                orgId,
                { recordType: "contact", recordId: item.contactId },
                searchDocumentOfContact(item),
                searchDocumentOfContact({ ...item, customFields: after, searchedCustomFields: searched }),
              ),
            ];
          },
        })),
    };
  },
  company: async (orgId, key, cursor) => {
    const page = await CompanyEntity.query.companiesByCreation({ orgId }).go({ cursor, limit: pageSize });
    return {
      cursor: page.cursor,
      holders: page.data
        .filter((item) => holds(item.customFields, key))
        .map((item) => ({
          id: item.companyId,
          version: item.version,
          before: item.customFields as Values,
          write: (after, at) => {
            const searched = searchedWithout(item.searchedCustomFields, key);
            return [
              inTransaction(CompanyEntity)
                .patch({ orgId, companyId: item.companyId })
                .set({
                  ...(after ? { customFields: after } : {}),
                  ...(searched ? { searchedCustomFields: searched } : {}),
                  version: item.version + 1,
                  updatedAt: at,
                })
                .remove([
                  ...(after ? [] : ["customFields" as const]),
                  ...(searched ? [] : ["searchedCustomFields" as const]),
                ])
                .where((attributes, { eq }) => eq(attributes.version, item.version))
                .commit(),
              ...searchTermActions(
                orgId,
                { recordType: "company", recordId: item.companyId },
                searchDocumentOfCompany(item),
                searchDocumentOfCompany({ ...item, customFields: after, searchedCustomFields: searched }),
              ),
            ];
          },
        })),
    };
  },
  deal: async (orgId, key, cursor) => {
    const page = await DealEntity.query.dealsByCreation({ orgId }).go({ cursor, limit: pageSize });
    return {
      cursor: page.cursor,
      holders: page.data
        .filter((item) => holds(item.customFields, key))
        .map((item) => ({
          id: item.dealId,
          version: item.version,
          before: item.customFields as Values,
          write: (after, at) => {
            const searched = searchedWithout(item.searchedCustomFields, key);
            return [
              inTransaction(DealEntity)
                .patch({ orgId, dealId: item.dealId })
                .set({
                  ...(after ? { customFields: after } : {}),
                  ...(searched ? { searchedCustomFields: searched } : {}),
                  version: item.version + 1,
                  updatedAt: at,
                })
                .remove([
                  ...(after ? [] : ["customFields" as const]),
                  ...(searched ? [] : ["searchedCustomFields" as const]),
                ])
                .where((attributes, { eq }) => eq(attributes.version, item.version))
                .commit(),
              ...searchTermActions(
                orgId,
                { recordType: "deal", recordId: item.dealId },
                searchDocumentOfDeal(item),
                searchDocumentOfDeal({ ...item, customFields: after, searchedCustomFields: searched }),
              ),
            ];
          },
        })),
    };
  },
  activity: async (orgId, key, cursor) => {
    const page = await ActivityEntity.query.activitiesByCreation({ orgId }).go({ cursor, limit: pageSize });
    return {
      cursor: page.cursor,
      holders: page.data
        .filter((item) => holds(item.customFields, key))
        .map((item) => ({
          id: item.activityId,
          version: item.version,
          before: item.customFields as Values,
          // Activities have no search terms of their custom fields: the record's own write is all.
          write: (after, at) => [
            inTransaction(ActivityEntity)
              .patch({ orgId, activityId: item.activityId })
              .set({ ...(after ? { customFields: after } : {}), version: item.version + 1, updatedAt: at })
              .remove(after ? [] : ["customFields"])
              .where((attributes, { eq }) => eq(attributes.version, item.version))
              .commit(),
          ],
        })),
    };
  },
};

/** Removes the key from one record with an audit entry (so the change is an event like any other). */
async function removeFrom(deletion: Deletion, holder: Holder): Promise<boolean> {
  const after = without(holder.before, deletion.key);
  const outcome = await changeSet()
    .addAll(steps("record", holder.write(after, now())))
    .add(
      "audit entry",
      auditAction(cleanupContext(deletion.orgId), {
        recordType: deletion.recordType,
        recordId: holder.id,
        action: "updated",
        changes: [{ field: "customFields", before: holder.before ?? null, after: after ?? null }],
      }),
    )
    .attempt();
  return outcome.committed;
}

/** Goes on with one deletion from its cursor; at the end of the list (nothing left behind) deletes the field. */
async function continueDeletion(deletion: Deletion): Promise<{ cleared: number; finished: boolean }> {
  const pages = pagesOf[deletion.recordType];
  const { orgId, fieldId } = deletion;
  let cursor = deletion.cursor || null;
  let cleared = 0;
  let missed = 0;
  for (let page = 0; page < pagesPerRun; page++) {
    const read = await pages(orgId, deletion.key, cursor);
    for (const holder of read.holders) {
      if (await removeFrom(deletion, holder)) cleared++;
      else missed++;
    }
    cursor = read.cursor;
    if (cursor === null) break;
  }
  if (cursor !== null || missed > 0) {
    // More to read, or a record changed meanwhile: go on next run (from the start when one was missed).
    await CustomFieldDeletionEntity.patch({ orgId, fieldId })
      .set({ cursor: missed > 0 ? "" : (cursor ?? "") })
      .go({ response: "none" });
    return { cleared, finished: false };
  }
  await changeSet()
    .add(
      "custom field",
      inTransaction(CustomFieldEntity)
        .delete({ orgId, fieldId })
        .where((attributes, { eq }) => eq(attributes.status, "deleting"))
        .commit(),
    )
    .add(
      "custom field key",
      inTransaction(CustomFieldKeyEntity)
        .delete({ orgId, recordType: deletion.recordType, key: deletion.key })
        .commit(),
    )
    .add("deletion", inTransaction(CustomFieldDeletionEntity).delete({ orgId, fieldId }).commit())
    .attempt();
  return { cleared, finished: true };
}

/**
 * The cleanup job: for each deleted field (oldest first), removes its values from the records of its type, a
 * bounded number of pages per run from where the last run stopped, and once none holds it any more deletes the
 * definition and frees its key. Safe to run again: each step is guarded by the record's version.
 */
export async function removeDeletedCustomFields(): Promise<{ deletions: number; cleared: number; finished: number }> {
  const { data } = await CustomFieldDeletionEntity.query
    .pendingDeletions({ queue: "customFieldDeletion" })
    .go({ limit: deletionsPerRun });
  let cleared = 0;
  let finished = 0;
  for (const deletion of data) {
    const outcome = await continueDeletion(deletion);
    cleared += outcome.cleared;
    if (outcome.finished) finished++;
  }
  return { deletions: data.length, cleared, finished };
}
