import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import {
  customFieldValuesAfterMerge,
  storedCustomFields,
  storedSearchedCustomFields,
} from "../../capabilities/custom-fields/custom-field.service";
import type { ValidatedCustomFieldValues } from "../../capabilities/custom-fields/custom-field.values";
import { maxMergedRecords } from "../../capabilities/duplicates/duplicates.constants";
import { MergeTargetNotFoundError, RecordMergedError } from "../../capabilities/duplicates/merge.errors";
import { MergedRecordEntity } from "../../capabilities/duplicates/merged-record.entity";
import { mergedRecordAction } from "../../capabilities/duplicates/merged-records";
import { searchDocumentOfContact, searchTermActions } from "../../capabilities/search/search.service";
import { moveToTrashAction } from "../../capabilities/trash/trash-actions";
import { UniqueValueEntity } from "../../capabilities/unique/unique-value.entity";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { sortKeyOf } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { linkPlanSteps } from "../association/association.service";
import { holdersOf, moveLinks } from "../association/link-cascades";
import { referenceSteps } from "../references";
import { ContactEntity } from "./contact.entity";
import { type ContactItem, companiesOf, getContact, toContact } from "./contact.queries";
import type { Contact } from "./contact.schema";
import { auditedFields, companyPlan, contactLabel, contactMatchKeySteps, updateContact } from "./contact.service";

/** The fields whose value one record gives; lists (emails, phones, tags, companies) are the union of all. */
type ChosenField = "firstName" | "lastName" | "title" | "ownerId" | "companyId";

export type ContactMergeRequest = {
  survivorId: string;
  mergedIds: string[];
  fields?: Partial<Record<ChosenField, string | undefined>> & { customFields?: Record<string, string> };
  preview: boolean;
};

type Moves = { id: string; contacts: string[]; deals: string[]; activities: string[]; files: string[] };
export type ContactMergeOutcome = { preview: boolean; record: Contact; mergedIds: string[]; moves: Moves[] };

/** Where a merged id stands: untouched, marked as moving into the survivor, or already gone into it. */
type MergedState = { state: "live" | "marked"; item: ContactItem } | { state: "done"; id: string };

const isEmpty = (value: unknown) => value === undefined || value === null || value === "";
const union = (lists: readonly (readonly string[])[]) => [...new Set(lists.flat())];

async function survivorOf(context: TenantContext, contactId: string): Promise<ContactItem> {
  const { data } = isIdOf("contact", contactId)
    ? await ContactEntity.get({ orgId: context.orgId, contactId }).go({ consistent: true })
    : { data: null };
  if (data?.mergedInto) throw new RecordMergedError("contact", contactId, data.mergedInto);
  if (!data) throw new MergeTargetNotFoundError("contact", contactId, "body.survivorId");
  return data;
}

async function mergedStateOf(
  context: TenantContext,
  survivorId: string,
  contactId: string,
  path: string,
): Promise<MergedState> {
  const { orgId } = context;
  const { data } = await ContactEntity.get({ orgId, contactId }).go({ consistent: true });
  if (data && !data.mergedInto) return { state: "live", item: data };
  if (data?.mergedInto === survivorId) return { state: "marked", item: data };
  if (data?.mergedInto) throw new RecordMergedError("contact", contactId, data.mergedInto);
  const { data: gone } = await MergedRecordEntity.get({ orgId, recordId: contactId }).go({ consistent: true });
  if (gone?.survivorId === survivorId) return { state: "done", id: contactId };
  if (gone) throw new RecordMergedError("contact", contactId, gone.survivorId);
  throw new MergeTargetNotFoundError("contact", contactId, path);
}

/**
 * The survivor as merged: a chosen field takes the named record's value; otherwise the survivor's unless empty,
 * else the most recently updated merged record's non-empty value. Emails, phones, tags and companies are the
 * union, the survivor's first (the chosen primary company first of all). Custom field values are `custom` (see
 * customValuesOf), by the same rule.
 */
function mergedContact(
  survivor: ContactItem,
  merged: ContactItem[],
  request: ContactMergeRequest,
  custom: ValidatedCustomFieldValues,
): ContactItem {
  const everyone = [survivor, ...merged];
  const newestFirst = merged.toSorted((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const chosenValue = <F extends ChosenField>(field: F): ContactItem[F] => {
    const from = request.fields?.[field];
    if (from) return everyone.find((each) => each.contactId === from)?.[field] as ContactItem[F];
    if (!isEmpty(survivor[field])) return survivor[field];
    return newestFirst.find((each) => !isEmpty(each[field]))?.[field] as ContactItem[F];
  };
  const companyId = chosenValue("companyId");
  const next: ContactItem = {
    ...survivor,
    firstName: chosenValue("firstName"),
    lastName: chosenValue("lastName"),
    title: chosenValue("title"),
    ownerId: chosenValue("ownerId"),
    companyId,
    companyIds: union([companyId ? [companyId] : [], ...everyone.map(companiesOf)]),
    emails: union(everyone.map((each) => each.emails)),
    phones: union(everyone.map((each) => each.phones)),
    tags: union(everyone.map((each) => each.tags)),
    customFields: storedCustomFields(custom.values),
    searchedCustomFields: storedSearchedCustomFields(custom),
  };
  const tooMany = (
    [
      ["emails", 10],
      ["phones", 10],
      ["companyIds", 10],
      ["tags", 50],
    ] as const
  ).filter(([field, most]) => next[field].length > most);
  if (tooMany.length > 0) {
    throw new ValidationError(
      tooMany.map(([field, most]) => ({
        path: "body.mergedIds",
        message: `Together these contacts have ${next[field].length} ${field}; a contact has at most ${most}.`,
      })),
    );
  }
  return next;
}

/** The survivor's custom field values after the merge, by the rule for built-in fields (mergedCustomFieldValues). */
function customValuesOf(
  context: TenantContext,
  survivor: ContactItem,
  merged: ContactItem[],
  request: ContactMergeRequest,
) {
  const asMerging = (item: ContactItem) => ({
    id: item.contactId,
    updatedAt: item.updatedAt,
    customFields: item.customFields,
  });
  return customFieldValuesAfterMerge(
    context.orgId,
    "contact",
    asMerging(survivor),
    merged.map(asMerging),
    request.fields?.customFields,
  );
}

async function movesOf(context: TenantContext, contactIds: string[]): Promise<Moves[]> {
  return Promise.all(
    contactIds.map(async (id) => {
      const holders = await holdersOf(context, { type: "contact", id });
      return {
        id,
        contacts: [],
        deals: holders.deal ?? [],
        activities: holders.activity ?? [],
        files: holders.file ?? [],
      };
    }),
  );
}

/**
 * Merges up to nine contacts into a survivor. One transaction marks the merge: it writes the survivor's merged
 * fields, hands the merged contacts' emails to it and marks each merged contact `mergedInto`, all under version
 * conditions, so a concurrent edit of any of them makes it a clean 409 with nothing changed. From then on the merged
 * contacts take no changes and answer as merged. Then their deals, activities (with the timeline) and files move
 * to the survivor, holder by holder, the survivor takes their companies, and each merged contact goes to the trash
 * in a transaction of its own. Every step after the mark is idempotent: repeating the request after a failure
 * finishes the merge.
 */
export async function mergeContacts(
  context: TenantContext,
  request: ContactMergeRequest,
): Promise<ContactMergeOutcome> {
  if (request.mergedIds.length > maxMergedRecords) {
    throw new ValidationError([
      { path: "body.mergedIds", message: `At most ${maxMergedRecords} contacts merge at once.` },
    ]);
  }
  const survivor = await survivorOf(context, request.survivorId);
  const states = await Promise.all(
    request.mergedIds.map((id, index) => mergedStateOf(context, survivor.contactId, id, `body.mergedIds.${index}`)),
  );
  const live = states.flatMap((each) => (each.state === "live" ? [each.item] : []));
  const resuming = live.length < states.length;
  if (resuming && live.length > 0) {
    throw new ConcurrentModificationError("contact merge into", survivor.contactId);
  }
  if (request.preview) {
    const merged = resuming
      ? survivor
      : mergedContact(survivor, live, request, await customValuesOf(context, survivor, live, request));
    return {
      preview: true,
      record: toContact(merged),
      mergedIds: request.mergedIds,
      moves: await movesOf(context, request.mergedIds),
    };
  }
  const moves = await movesOf(context, request.mergedIds);
  let chosenCompanies: string[] | null = null;
  if (!resuming) {
    const next = mergedContact(survivor, live, request, await customValuesOf(context, survivor, live, request));
    await markMerge(context, survivor, live, next);
    chosenCompanies = next.companyIds;
  }
  await completeMerge(context, survivor.contactId, request.mergedIds, chosenCompanies);
  return { preview: false, record: await getContact(context, survivor.contactId), mergedIds: request.mergedIds, moves };
}

/** The one transaction that decides the merge (see mergeContacts). */
async function markMerge(context: TenantContext, survivor: ContactItem, merged: ContactItem[], next: ContactItem) {
  const { orgId } = context;
  const survivorId = survivor.contactId;
  const at = now();
  // Companies move after the mark, through an ordinary update: the mark stays within 100 actions.
  const marked = { ...next, companyId: survivor.companyId, companyIds: survivor.companyIds };
  const cleared = (["firstName", "lastName", "title"] as const).filter((field) => isEmpty(next[field]));
  const clearedCustom = (["customFields", "searchedCustomFields"] as const).filter(
    (field) => next[field] === undefined,
  );
  await changeSet()
    .add(
      "survivor",
      inTransaction(ContactEntity)
        .patch({ orgId, contactId: survivorId })
        .set({
          ...(next.firstName ? { firstName: next.firstName } : {}),
          ...(next.lastName ? { lastName: next.lastName } : {}),
          ...(next.title ? { title: next.title } : {}),
          emails: next.emails,
          phones: next.phones,
          ownerId: next.ownerId,
          tags: next.tags,
          ...(next.customFields !== undefined ? { customFields: next.customFields } : {}),
          ...(next.searchedCustomFields !== undefined ? { searchedCustomFields: next.searchedCustomFields } : {}),
          sortName: sortKeyOf(next.lastName, next.firstName),
          version: survivor.version + 1,
          updatedAt: at,
        })
        .remove([...cleared, ...clearedCustom])
        .where(
          (attributes, { eq, notExists }) =>
            `${eq(attributes.version, survivor.version)} AND ${notExists(attributes.mergedInto)}`,
        )
        .commit(),
    )
    .addAll(
      next.ownerId !== survivor.ownerId
        ? referenceSteps(orgId, { type: "contact", id: survivorId }, [{ kind: "owner", memberId: next.ownerId }])
        : [],
    )
    .addAll(
      steps(
        "email to survivor",
        merged.flatMap((contact) =>
          contact.emails.map((value) =>
            inTransaction(UniqueValueEntity)
              .put({ orgId, kind: "contact-email", value, ownerType: "contact", ownerId: survivorId })
              .where((attributes, { eq }) => eq(attributes.ownerId, contact.contactId))
              .commit(),
          ),
        ),
      ),
    )
    .addAll(
      steps(
        "merged contact",
        merged.map((contact) =>
          inTransaction(ContactEntity)
            .patch({ orgId, contactId: contact.contactId })
            // The version moves too, so a write that read the contact before the mark (an email added, say, whose
            // reservation nothing would hand over) cannot land after it.
            .set({ mergedInto: survivorId, version: contact.version + 1 })
            .where(
              (attributes, { eq, notExists }) =>
                `${eq(attributes.version, contact.version)} AND ${notExists(attributes.mergedInto)}`,
            )
            .commit(),
        ),
      ),
    )
    .addAll(
      steps(
        "search term",
        searchTermActions(
          orgId,
          { recordType: "contact", recordId: survivorId },
          searchDocumentOfContact(survivor),
          searchDocumentOfContact(marked),
        ),
      ),
    )
    .addAll(await contactMatchKeySteps(orgId, survivorId, survivor, marked))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "contact",
        recordId: survivorId,
        action: "merged",
        changes: [
          ...fieldChanges(survivor, marked, auditedFields),
          { field: "mergedIds", before: null, after: merged.map((contact) => contact.contactId) },
        ],
      }),
    )
    .commit(() => new ConcurrentModificationError("contact", survivorId));
}

/**
 * Everything after the mark, each part idempotent: the survivor takes the merged contacts' companies, their links
 * move, and each goes to the trash (its emails stay with the survivor) with a record of where it went.
 */
async function completeMerge(
  context: TenantContext,
  survivorId: string,
  mergedIds: string[],
  chosenCompanies: string[] | null,
) {
  const { orgId } = context;
  const survivor = { type: "contact" as const, id: survivorId };
  const { data: markedItems } = await ContactEntity.get(mergedIds.map((contactId) => ({ orgId, contactId }))).go({
    consistent: true,
  });
  const marked = markedItems.filter((item) => item.mergedInto === survivorId);
  const current = await survivorOf(context, survivorId);
  const companies = (chosenCompanies ?? union([companiesOf(current), ...marked.map(companiesOf)])).slice(0, 10);
  const withCurrent = union([companies, companiesOf(current)]).slice(0, 10);
  if (withCurrent.join() !== companiesOf(current).join()) {
    await updateContact(context, survivorId, { companyIds: withCurrent });
  }
  for (const { contactId } of marked) {
    const record = { type: "contact" as const, id: contactId };
    await retryingConflicts(async () => {
      await moveLinks(context, record, survivor);
      const { data: contact } = await ContactEntity.get({ orgId, contactId }).go({ consistent: true });
      if (!contact || contact.mergedInto !== survivorId) return;
      const at = now();
      const { emails: _handedOver, ...kept } = contact;
      await changeSet()
        .add(
          "merged contact",
          inTransaction(ContactEntity)
            .delete({ orgId, contactId })
            .where(
              (attributes, { eq, notExists }) =>
                `${eq(attributes.version, contact.version)} AND (${notExists(attributes.linkCount)} OR ${eq(attributes.linkCount, 0)})`,
            )
            .commit(),
        )
        .addAll(linkPlanSteps(orgId, companyPlan(contactId, companiesOf(contact), []), at))
        .addAll(
          steps(
            "search term",
            searchTermActions(
              orgId,
              { recordType: "contact", recordId: contactId },
              searchDocumentOfContact(contact),
              null,
            ),
          ),
        )
        .addAll(await contactMatchKeySteps(orgId, contactId, contact, null))
        .add("merged record", mergedRecordAction(orgId, record, survivorId, at))
        .add(
          "move to trash",
          moveToTrashAction(
            context,
            {
              type: "contact",
              id: contactId,
              label: contactLabel(contact),
              // Its emails now belong to the survivor and its links moved there: a restore brings back the rest.
              snapshot: { ...kept, emails: [], formerDealIds: [], formerActivityIds: [], formerFileIds: [] },
            },
            at,
          ),
        )
        .add(
          "audit entry",
          auditAction(context, {
            recordType: "contact",
            recordId: contactId,
            action: "deleted",
            changes: [
              ...fieldChanges(contact, null, auditedFields),
              { field: "mergedInto", before: null, after: survivorId },
            ],
          }),
        )
        .commit(() => new ConcurrentModificationError("contact", contactId));
    });
  }
}
