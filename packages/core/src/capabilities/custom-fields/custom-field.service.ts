import type { EntityItem } from "electrodb";
import { changeSet } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, DuplicateError, NotFoundError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { isIdOf, newId } from "../../platform/ids";
import { allOf, readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { auditAction, fieldChanges } from "../audit/audit.service";
import type { CustomFieldRecordType } from "./custom-field.constants";
import { CustomFieldDeletionEntity, CustomFieldEntity, CustomFieldKeyEntity } from "./custom-field.entity";
import {
  type CreateCustomFieldInput,
  type CustomField,
  type ListCustomFieldsQuery,
  maxCustomFieldsPerRecordType,
  type UpdateCustomFieldInput,
} from "./custom-field.schema";
import {
  type MergingRecord,
  mergedCustomFieldValues,
  needsCustomFieldDefinitions,
  type ValidatedCustomFieldValues,
  validateCustomFieldValues,
} from "./custom-field.values";

export type CustomFieldItem = EntityItem<typeof CustomFieldEntity>;

const auditedFields = ["recordType", "key", "label", "description", "type", "required", "archived", "options"] as const;
const selectTypes = new Set(["singleSelect", "multiSelect"]);

export function toCustomField(item: CustomFieldItem): CustomField {
  return {
    id: item.fieldId,
    recordType: item.recordType,
    key: item.key,
    label: item.label,
    description: item.description ?? null,
    type: item.type,
    required: item.required,
    archived: item.archived,
    options: item.options,
    currency: item.currency ?? null,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/**
 * The organisation's definitions that records may hold values of (archived ones included, deleting ones not), of
 * every record type: one strongly consistent Query, so a write sees a field defined just before it.
 */
export async function customFieldDefinitionsOf(orgId: string): Promise<CustomFieldItem[]> {
  const { data } = await CustomFieldEntity.query
    .customFieldsOfOrganisation({ orgId })
    .go({ pages: "all", consistent: true });
  return data.filter((item) => item.status === "active");
}

/** A definition of the organisation, or NotFoundError (also for another organisation's id and a deleted one). */
async function loadCustomField(orgId: string, fieldId: string): Promise<CustomFieldItem> {
  if (!isIdOf("customField", fieldId)) throw new NotFoundError("custom field", fieldId);
  const { data } = await CustomFieldEntity.get({ orgId, fieldId }).go({ consistent: true });
  if (data?.status !== "active") throw new NotFoundError("custom field", fieldId);
  return data;
}

/** Defines a field; its key is reserved per organisation and record type in the same transaction (409 if taken). */
export async function createCustomField(context: TenantContext, input: CreateCustomFieldInput): Promise<CustomField> {
  const { orgId } = context;
  const { data: existing } = await CustomFieldEntity.query
    .customFieldsOfOrganisation({ orgId })
    .go({ pages: "all", consistent: true, attributes: ["recordType"] });
  if (existing.filter((item) => item.recordType === input.recordType).length >= maxCustomFieldsPerRecordType) {
    throw new ValidationError([
      {
        path: "body.recordType",
        message: `A ${input.recordType} has at most ${maxCustomFieldsPerRecordType} custom fields (archived ones count); delete one first.`,
      },
    ]);
  }
  const at = now();
  const item: CustomFieldItem = {
    orgId,
    fieldId: newId("customField"),
    recordType: input.recordType,
    key: input.key,
    label: input.label,
    ...(input.description ? { description: input.description } : {}),
    type: input.type,
    required: input.required,
    archived: false,
    options: (input.options ?? []).map((option) => ({
      id: newId("fieldOption"),
      label: option.label,
      archived: false,
    })),
    ...(input.currency ? { currency: input.currency } : {}),
    status: "active",
    version: 1,
    createdBy: context.actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  await changeSet()
    .add(
      "custom field key",
      inTransaction(CustomFieldKeyEntity)
        .create({ orgId, recordType: item.recordType, key: item.key, fieldId: item.fieldId })
        .commit({ response: "all_old" }),
      (seen) =>
        new DuplicateError("key", input.key, {
          type: "customField",
          id: (seen as { fieldId?: string } | null)?.fieldId ?? "unknown",
        }),
    )
    .add("custom field", inTransaction(CustomFieldEntity).create(item).commit())
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "customField",
        recordId: item.fieldId,
        action: "created",
        changes: fieldChanges(null, item, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("custom field", item.fieldId));
  return toCustomField(item);
}

/** The definitions in id order (the order they were made), narrowed by record type and archived state. */
export async function listCustomFields(
  context: TenantContext,
  query: ListCustomFieldsQuery,
): Promise<Page<CustomField>> {
  const { orgId } = context;
  return readPage(
    ({ limit, cursor }) =>
      CustomFieldEntity.query
        .customFieldsOfOrganisation({ orgId })
        .where((attributes, { eq }) =>
          allOf([
            eq(attributes.status, "active"),
            query.recordType ? eq(attributes.recordType, query.recordType) : null,
            query.archived === "include" ? null : eq(attributes.archived, query.archived === "only"),
          ]),
        )
        .go({ limit, cursor }),
    {
      limit: query.limit,
      cursor: query.cursor,
      fingerprint: queryFingerprint({
        list: "custom-fields",
        orgId,
        recordType: query.recordType,
        archived: query.archived,
      }),
      filtered: true,
      map: toCustomField,
    },
  );
}

export async function getCustomField(context: TenantContext, fieldId: string): Promise<CustomField> {
  return toCustomField(await loadCustomField(context.orgId, fieldId));
}

/**
 * A select's options after an update: listed ones keep their id (renamed, archived or restored), new ones get an
 * id, and ones left out are archived, never removed, since records may hold them.
 */
function nextOptions(current: CustomFieldItem, given: NonNullable<UpdateCustomFieldInput["options"]>) {
  if (!selectTypes.has(current.type)) {
    throw new ValidationError([{ path: "body.options", message: "Only select fields have options." }]);
  }
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const listed = given.map((option, index) => {
    if (option.id === undefined) return { id: newId("fieldOption"), label: option.label, archived: !!option.archived };
    if (seen.has(option.id)) issues.push({ path: `body.options.${index}.id`, message: "Listed twice." });
    seen.add(option.id);
    if (!current.options.some((existing) => existing.id === option.id)) {
      issues.push({ path: `body.options.${index}.id`, message: "Not an option of this field." });
    }
    return { id: option.id, label: option.label, archived: !!option.archived };
  });
  if (issues.length > 0) throw new ValidationError(issues);
  const leftOut = current.options
    .filter((option) => !seen.has(option.id))
    .map((option) => ({ ...option, archived: true }));
  return [...listed, ...leftOut];
}

/** Changes a definition: label, description, required, archived, options. Its key, type and record type stay. */
export async function updateCustomField(
  context: TenantContext,
  fieldId: string,
  input: UpdateCustomFieldInput,
  preconditions?: Preconditions,
): Promise<CustomField> {
  const { orgId } = context;
  return retryingConflicts(async () => {
    const current = await loadCustomField(orgId, fieldId);
    assertPreconditions(preconditions, current, "custom field", fieldId);
    const next: CustomFieldItem = {
      ...current,
      label: input.label ?? current.label,
      description: input.description === undefined ? current.description : (input.description ?? undefined),
      required: input.required ?? current.required,
      archived: input.archived ?? current.archived,
      options: input.options ? nextOptions(current, input.options) : current.options,
      version: current.version + 1,
      updatedAt: now(),
    };
    await changeSet()
      .add(
        "custom field",
        inTransaction(CustomFieldEntity)
          .patch({ orgId, fieldId })
          .set({
            label: next.label,
            ...(next.description !== undefined ? { description: next.description } : {}),
            required: next.required,
            archived: next.archived,
            options: next.options,
            version: next.version,
            updatedAt: next.updatedAt,
          })
          .remove(next.description === undefined ? ["description"] : [])
          .where(
            (attributes, { eq }) => `${eq(attributes.version, current.version)} AND ${eq(attributes.status, "active")}`,
          )
          .commit(),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "customField",
          recordId: fieldId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("custom field", fieldId));
    return toCustomField(next);
  });
}

/**
 * Deletes a field: at once it is hidden from everything and its key stays reserved; the cleanup job then removes its
 * values from the records and deletes the definition and the key (see removeDeletedCustomFields).
 */
export async function deleteCustomField(
  context: TenantContext,
  fieldId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const { orgId } = context;
  const current = await loadCustomField(orgId, fieldId);
  assertPreconditions(preconditions, current, "custom field", fieldId);
  const at = now();
  await changeSet()
    .add(
      "custom field",
      inTransaction(CustomFieldEntity)
        .patch({ orgId, fieldId })
        .set({ status: "deleting", version: current.version + 1, updatedAt: at })
        .where(
          (attributes, { eq }) => `${eq(attributes.version, current.version)} AND ${eq(attributes.status, "active")}`,
        )
        .commit(),
    )
    .add(
      "deletion",
      inTransaction(CustomFieldDeletionEntity)
        .create({ orgId, fieldId, recordType: current.recordType, key: current.key, requestedAt: at })
        .commit(),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "customField",
        recordId: fieldId,
        action: "deleted",
        changes: fieldChanges(current, null, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("custom field", fieldId));
}

/** The active, unarchived definitions of a record type, in the order they were made: what `/schema` shows. */
export async function activeCustomFieldsOf(orgId: string, recordType: CustomFieldRecordType): Promise<CustomField[]> {
  const definitions = await customFieldDefinitionsOf(orgId);
  return definitions
    .filter((definition) => definition.recordType === recordType && !definition.archived)
    .map(toCustomField);
}

/**
 * The custom field values a record holds after a create or an update, checked against the organisation's
 * definitions (read only when the write needs them: a create, or an update that sets values). Null when an update
 * leaves them as they are. Throws ValidationError at `body.customFields.<key>`.
 */
export async function customFieldValuesAfterWrite(
  orgId: string,
  recordType: CustomFieldRecordType,
  input: Record<string, unknown> | undefined,
  current: Record<string, unknown> | undefined,
  mode: "create" | "update",
): Promise<ValidatedCustomFieldValues | null> {
  if (!needsCustomFieldDefinitions(input, mode)) return null;
  const definitions = await customFieldDefinitionsOf(orgId);
  return validateCustomFieldValues(definitions, recordType, input, current, mode);
}

/**
 * The custom field values a merge's survivor holds (see mergedCustomFieldValues), reading the definitions only when
 * a record holds values or the request chooses some.
 */
export async function customFieldValuesAfterMerge(
  orgId: string,
  recordType: CustomFieldRecordType,
  survivor: MergingRecord,
  merged: readonly MergingRecord[],
  choices: Record<string, string> | undefined,
): Promise<ValidatedCustomFieldValues> {
  const holdsValues = (record: MergingRecord) =>
    typeof record.customFields === "object" &&
    record.customFields !== null &&
    Object.keys(record.customFields).length > 0;
  if (Object.keys(choices ?? {}).length === 0 && ![survivor, ...merged].some(holdsValues)) {
    return { values: {}, memberReferences: [], searchedKeys: [] };
  }
  return mergedCustomFieldValues(await customFieldDefinitionsOf(orgId), recordType, survivor, merged, choices);
}

/**
 * The keys to store as the record's `searchedCustomFields` (whose values are search terms), or nothing when none
 * is: kept beside the values so a record's terms follow from the item alone, as its built-in fields' terms do.
 */
export const storedSearchedCustomFields = (custom: Pick<ValidatedCustomFieldValues, "searchedKeys">) =>
  custom.searchedKeys.length > 0 ? custom.searchedKeys : undefined;

/** The attribute to store: the values, or nothing at all when there are none (no empty maps on items). */
export const storedCustomFields = (values: Record<string, unknown>) =>
  Object.keys(values).length > 0 ? values : undefined;

/**
 * Of a restored record's values, those of fields that still exist (archived ones included): a field deleted while
 * the record was in the trash must not come back with it.
 */
export async function valuesOfLiveFields(
  orgId: string,
  recordType: CustomFieldRecordType,
  values: unknown,
): Promise<Record<string, unknown> | undefined> {
  if (typeof values !== "object" || values === null || Object.keys(values).length === 0) return undefined;
  const live = new Set(
    (await customFieldDefinitionsOf(orgId))
      .filter((definition) => definition.recordType === recordType)
      .map((definition) => definition.key),
  );
  return storedCustomFields(Object.fromEntries(Object.entries(values).filter(([key]) => live.has(key))));
}
