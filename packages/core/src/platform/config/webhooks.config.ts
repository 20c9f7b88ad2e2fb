import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

const webhooksConfigSchema = z.object({
  /**
   * Only the local cloud and the tests set this (`WEBHOOKS_ALLOW_LOOPBACK=true`): webhooks may then go to plain
   * http on 127.0.0.1, where their receivers listen. Never in AWS, where loopback is the Lambda runtime API.
   */
  allowLoopback: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});

export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;

/** The webhooks' configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readWebhooksConfig(source: ConfigSource): WebhooksConfig {
  return parseConfig(
    "webhooks",
    webhooksConfigSchema.refine(({ allowLoopback }) => !allowLoopback || !source.variable("AWS_LAMBDA_FUNCTION_NAME"), {
      path: ["allowLoopback"],
      message: "only for the local cloud, never in Lambda",
    }),
    { allowLoopback: source.variable("WEBHOOKS_ALLOW_LOOPBACK") },
  );
}

/**
 * The webhooks' configuration, parsed once. It needs no link, so the webhook module, loaded only by the functions
 * that manage or deliver webhooks, reads it at module scope: a wrong WEBHOOKS_ALLOW_LOOPBACK fails their cold start.
 */
export const webhooksConfig = once(() => readWebhooksConfig(runtimeConfigSource));
