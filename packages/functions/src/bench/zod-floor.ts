/** The bare handler plus zod (classic, as the contracts use it): parses its input before the read. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";

const key = z.object({ pk: z.string().min(1), sk: z.string().min(1) });
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: unknown) =>
  (await client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: key.parse(event) }))).Item;
