/** The public surface of this module: what the tag index's subscriber, the lists and the tests use. */
export type { LoadRecords, TaggedRecord, TagIndexedRecordType } from "./tag-index.service";
export { readTagPage, tagsNamedIn, untilProcessed, writeTagPointers } from "./tag-index.service";
export { TagPointerEntity } from "./tag-pointer.entity";
