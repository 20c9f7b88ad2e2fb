/**
 * Compiled by `npm run typecheck` (tsc over test/), never run: each `@ts-expect-error` fails the compile unless
 * the call below it is refused, so this file proves @crm/client's calls are checked against the API's schemas.
 */
import { createCrmClient } from "@crm/client";

const crm = createCrmClient({ baseUrl: "http://127.0.0.1:3000", token: "a token" });
const orgId = "org_0example";

export async function callsTheCompilerChecks() {
  // The control: a correct call compiles, so the refusals below are about their one mistake.
  await crm.POST("/v1/orgs/{orgId}/contacts", { params: { path: { orgId } }, body: { firstName: "Ada" } });

  await crm.POST("/v1/orgs/{orgId}/contacts", {
    params: { path: { orgId } },
    // @ts-expect-error a misspelt body field: there is no `firstNmae`.
    body: { firstNmae: "Ada" },
  });

  await crm.POST("/v1/orgs/{orgId}/contacts", {
    params: { path: { orgId } },
    // @ts-expect-error a wrong type: `emails` is a list of strings.
    body: { emails: "ada@example.com" },
  });

  await crm.POST("/v1/orgs/{orgId}/deals", {
    params: { path: { orgId } },
    // @ts-expect-error a missing required field: a deal needs a `value`.
    body: { title: "Forty seats" },
  });

  await crm.GET("/v1/orgs/{orgId}/contacts/{contactId}", {
    // @ts-expect-error a missing path parameter: the route needs `contactId`.
    params: { path: { orgId } },
  });

  // @ts-expect-error a path the API does not have.
  await crm.GET("/v1/orgs/{orgId}/contact", { params: { path: { orgId } } });

  const { data } = await crm.GET("/v1/orgs/{orgId}/contacts", { params: { path: { orgId } } });
  // @ts-expect-error the answer is typed too: a contact has no `shoeSize`.
  data?.data[0]?.shoeSize;
}

export async function answersTheCompilerKnows() {
  const { data, error } = await crm.GET("/v1/orgs/{orgId}/contacts/{contactId}", {
    params: { path: { orgId, contactId: "con_0example" } },
  });
  // A refusal is the problem details, whose fields are typed like the data's.
  const detail: string | undefined = error?.detail;
  const fieldPaths: string[] | undefined = error?.errors?.map((each) => each.path);
  const lastName: string | null | undefined = data?.lastName;
  // @ts-expect-error the problem details have no `message`: it is `detail`.
  error?.message;
  return { detail, fieldPaths, lastName };
}
