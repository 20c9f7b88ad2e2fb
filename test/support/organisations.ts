import { randomUUID } from "node:crypto";
import type { Role } from "@crm/core/declarations";
import { expect } from "vitest";
import { invoke } from "./api-events";
import { tokenFor } from "./identity";

export type Person = { email: string; token: string; memberId: string; role: Role };
export type TestOrganisation = {
  orgId: string;
  admin: Person;
  /** Adds a member with this role (through the API, as the admin) and returns them signed in. */
  member: (role: Role) => Promise<Person>;
};

/** A fresh, unique email so every test owns its people and organisations and tests can run in parallel. */
export function anEmail(label = "person"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export function aPerson(label = "person"): { email: string; token: string } {
  const email = anEmail(label);
  return { email, token: tokenFor(email) };
}

/** Creates an organisation through the API with a fresh admin. */
export async function anOrganisation(name = "Test Org"): Promise<TestOrganisation> {
  const admin = aPerson("admin");
  const created = await invoke("orgs.create", { token: admin.token, body: { name } });
  expect(created.status).toBe(201);
  const orgId: string = created.body.id;
  const members = await invoke("members.list", { token: admin.token, params: { orgId } });
  const adminMemberId: string = members.body.data[0].id;
  return {
    orgId,
    admin: { ...admin, memberId: adminMemberId, role: "admin" },
    member: async (role) => {
      const person = aPerson(role);
      const added = await invoke("members.add", {
        token: admin.token,
        params: { orgId },
        body: { email: person.email, role },
      });
      expect(added.status).toBe(201);
      return { ...person, memberId: added.body.id, role };
    },
  };
}
