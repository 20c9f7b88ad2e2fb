import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import {
  type TaggedRecord,
  type TagIndexedRecordType,
  tagsNamedIn,
  writeTagPointers,
} from "../../capabilities/tag-index/tag-index.service";
import { tagIndexedRecordTypes } from "../../declarations/events";
import { CompanyEntity } from "../../domain/company/company.entity";
import { ContactEntity } from "../../domain/contact/contact.entity";
import { DealEntity } from "../../domain/deal/deal.entity";

/** The tags a record has now, read strongly consistently; none when it is gone (trashed, merged away, never made). */
const currentTags: Record<TagIndexedRecordType, (orgId: string, recordId: string) => Promise<string[]>> = {
  contact: async (orgId, contactId) =>
    (await ContactEntity.get({ orgId, contactId }).go({ consistent: true })).data?.tags ?? [],
  company: async (orgId, companyId) =>
    (await CompanyEntity.get({ orgId, companyId }).go({ consistent: true })).data?.tags ?? [],
  deal: async (orgId, dealId) => (await DealEntity.get({ orgId, dealId }).go({ consistent: true })).data?.tags ?? [],
};

/** Rounds of read, write and check before giving up on a record that keeps changing (the bus then retries). */
const maxRounds = 5;

export type TagIndexOutcome = { rounds: number; put: number; deleted: number };

const isTagIndexed = (type: string): type is TagIndexedRecordType =>
  (tagIndexedRecordTypes as readonly string[]).includes(type);

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/**
 * Brings the tag index in line with the event's record as it is now, not as the event says: so events delivered
 * twice, late or out of order all converge on the record's current tags. Every tag the event names (before or
 * after) and every tag the record has gets its pointer written or deleted. Then the record is read again: if its
 * tags changed meanwhile, this writer may have overtaken the change's own (a put landing after its delete), so it
 * goes round again with the newer tags. A round that finds the tags unchanged after its writes is safe: any later
 * change is read, and its pointers written, by its own event's run, after these writes.
 */
export async function reconcileTagIndex(event: DomainEvent): Promise<TagIndexOutcome | null> {
  if (!isTagIndexed(event.record.type)) return null;
  const record: TaggedRecord = { orgId: event.orgId, recordType: event.record.type, recordId: event.record.id };
  const read = () => currentTags[record.recordType](record.orgId, record.recordId);
  const touched = new Set(tagsNamedIn(event.changes));
  const outcome: TagIndexOutcome = { rounds: 0, put: 0, deleted: 0 };
  let tags = await read();
  for (;;) {
    outcome.rounds += 1;
    for (const tag of tags) touched.add(tag);
    const written = await writeTagPointers(record, touched, new Set(tags));
    outcome.put += written.put;
    outcome.deleted += written.deleted;
    const now = await read();
    if (sameTags(tags, now)) return outcome;
    if (outcome.rounds >= maxRounds) {
      throw new Error(`The tags of ${record.recordType} ${record.recordId} kept changing over ${maxRounds} rounds.`);
    }
    tags = now;
  }
}
