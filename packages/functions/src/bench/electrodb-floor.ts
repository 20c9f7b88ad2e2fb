/** The bare handler plus ElectroDB: one entity, built at module scope, reads the item. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Entity } from "electrodb";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const contacts = new Entity(
  {
    model: { entity: "contact", version: "1", service: "crm" },
    attributes: { orgId: { type: "string", required: true }, id: { type: "string", required: true } },
    indexes: { byId: { pk: { field: "pk", composite: ["orgId"] }, sk: { field: "sk", composite: ["id"] } } },
  },
  { client, table: process.env.TABLE_NAME },
);

export const handler = async (event: { orgId: string; id: string }) => (await contacts.get(event).go()).data;
