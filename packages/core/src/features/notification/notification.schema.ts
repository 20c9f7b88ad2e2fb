import { z } from "zod";
import { timestamp } from "../../platform/schema";
import { notificationKinds } from "./notification.constants";

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(notificationKinds),
    title: z.string(),
    message: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }).meta({ description: "What it is about." }),
    createdAt: timestamp,
  })
  .meta({ id: "Notification" });
export type Notification = z.infer<typeof notificationSchema>;
