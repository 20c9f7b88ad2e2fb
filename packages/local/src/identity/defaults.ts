/** Where the local cloud listens and what its identity provider calls itself; the CLIs and the cloud share these. */
export function localIdentityDefaults(env: NodeJS.ProcessEnv = process.env) {
  const port = Number(env.PORT ?? 3000);
  return { port, issuer: `http://127.0.0.1:${port}/local-idp`, audience: "crm-local" } as const;
}
