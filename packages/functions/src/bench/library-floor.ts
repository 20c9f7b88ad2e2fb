/**
 * The bare handler plus every library an HTTP function loads before any of the project's code: zod, ElectroDB,
 * middy, aws-jwt-verify and Powertools' logger and metrics, each built as the functions build them and used once.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import middy from "@middy/core";
import { JwtRsaVerifier } from "aws-jwt-verify";
import { handler as readWithElectroDb } from "./electrodb-floor";
import { handler as readWithZod } from "./zod-floor";

const logger = new Logger({ serviceName: "floor" });
const metrics = new Metrics({ namespace: "floor", serviceName: "floor" });
const verifier = JwtRsaVerifier.create({
  issuer: "https://issuer.invalid",
  audience: "floor",
  jwksUri: "https://issuer.invalid/jwks",
});

export const handler = middy(async (event: { token: string; orgId: string; id: string }) => {
  await verifier.verify(event.token);
  metrics.addMetric("read", MetricUnit.Count, 1);
  logger.info("read", { id: event.id });
  return [await readWithZod({ pk: event.orgId, sk: event.id }), await readWithElectroDb(event)];
});
