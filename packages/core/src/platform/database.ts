import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Service } from "electrodb";
import { AuditEntryEntity } from "../audit/audit-entry.entity";
import { CompanyEntity } from "../company/company.entity";
import { ContactEntity } from "../contact/contact.entity";
import { IdempotencyRecordEntity } from "../idempotency/idempotency-record.entity";
import { MemberEntity } from "../member/member.entity";
import { OrganisationEntity } from "../organisation/organisation.entity";
import { UniqueValueEntity } from "../unique/unique-value.entity";
import { config } from "./config";

const entities = {
  organisation: OrganisationEntity,
  member: MemberEntity,
  contact: ContactEntity,
  company: CompanyEntity,
  uniqueValue: UniqueValueEntity,
  idempotencyRecord: IdempotencyRecordEntity,
  auditEntry: AuditEntryEntity,
};

/** Every entity of the table; one Service so that writes spanning entities can be one transaction. */
export type Database = Service<typeof entities>;

let database: Database | undefined;

/** The ElectroDB service, built once per process (module scope in Lambda), bound to the configured table. */
export function db(): Database {
  if (!database) {
    const { tableName, dynamodbEndpoint } = config();
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    database = new Service(entities, { table: tableName, client });
  }
  return database;
}

/** The entity definitions, for checks that compare them with the table declaration. */
export const allEntities = Object.values(entities);
