import { join } from "node:path";
import { schedules } from "@crm/core/declarations";
import { targetCloud } from "../cloud/running-cloud";
import { assertLambdaNodeMajor, repositoryRoot } from "./repository";

assertLambdaNodeMajor();

const name = process.argv[2];
if (!name || name === "--help" || !Object.hasOwn(schedules, name)) {
  console.log(`Usage: npm run job -- <name>

Runs a scheduled job now in the running local cloud (npm start), instead of waiting for its schedule.
Jobs:
${Object.entries(schedules)
  .map(([job, declaration]) => `  ${job.padEnd(22)} ${declaration.schedule.padEnd(18)} ${declaration.description}`)
  .join("\n")}`);
  process.exit(name && name !== "--help" ? 1 : 0);
}

const { port, url } = targetCloud(join(repositoryRoot, ".data"));
try {
  const response = await fetch(`${url}/local/jobs/${encodeURIComponent(name)}`, { method: "POST" });
  console.log(JSON.stringify(await response.json(), null, 2));
  process.exit(response.ok ? 0 : 1);
} catch {
  console.error(`No local cloud answers on 127.0.0.1:${port}: start it with npm start first.`);
  process.exit(1);
}
