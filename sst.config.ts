/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "crm",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    // SST forbids top-level imports here; infrastructure modules are loaded dynamically.
    const { setFunctionDefaults } = await import("./stacks/defaults");
    setFunctionDefaults();
    const { api } = await import("./stacks/api");
    const { userPool, webClient } = await import("./stacks/auth");
    const { realtime } = await import("./stacks/realtime");
    const { bus } = await import("./stacks/events");
    await import("./stacks/jobs");
    await import("./stacks/alarms");
    return {
      api: api.url,
      userPoolId: userPool.id,
      userPoolClientId: webClient.id,
      realtime: realtime.url,
      bus: bus.name,
    };
  },
});
