/** The bare handler plus zod's mini build (functions instead of methods, so unused checks are left out). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";

const key = z.object({ pk: z.string().check(z.minLength(1)), sk: z.string().check(z.minLength(1)) });
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: unknown) =>
  (await client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: key.parse(event) }))).Item;
