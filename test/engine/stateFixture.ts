/**
 * The 0.1.0 state fixture: the program it was recorded with, and how the
 * recording is turned into a fixture without any secret in it (secrets and
 * the emulator's address become placeholders, filled in when it is loaded).
 *
 * Recorded with `RECORD_STATE_FIXTURE=1 npx jest --testMatch '**' test/engine/stateFixture.record.ts`
 * in a checkout of the release (see test/fixtures/state-0.1.0/README.md).
 */
import { CloudUser, DatabaseUser, OrgInvitation } from "../../provider";

export const FIXTURE_ORG = "5f0000000000000000000a01";
export const FIXTURE_PROJECT = "5f0000000000000000000b01";
export const FIXTURE_PUBLIC_KEY = "fixturepub";

export const PLACEHOLDERS = {
  baseUrl: "{{EMULATOR_BASE_URL}}",
  privateKey: "{{PRIVATE_KEY}}",
  password: "{{PASSWORD}}",
} as const;

/** The program of the recording; `changed` moves each resource's roles (an update in place). */
export function fixtureProgram(password: string, changed = false) {
  return async () => {
    const db = new DatabaseUser("db", {
      projectId: FIXTURE_PROJECT,
      username: "fixture-app",
      password,
      roles: [{ roleName: changed ? "read" : "readWrite", databaseName: "app" }],
    });
    const inv = new OrgInvitation("inv", { orgId: FIXTURE_ORG, username: "ada.fixture@example.com", roles: [changed ? "ORG_READ_ONLY" : "ORG_MEMBER"] });
    const acct = new CloudUser("acct", {
      username: "jane.fixture@example.com",
      password,
      firstName: "Jane",
      lastName: "Doe",
      country: "US",
      mobileNumber: "212-555-0100",
      platform: "atlas",
      roles: [
        { orgId: FIXTURE_ORG, roleName: "ORG_MEMBER" },
        { projectId: FIXTURE_PROJECT, roleName: changed ? "GROUP_DATA_ACCESS_READ_ONLY" : "GROUP_READ_ONLY" },
      ],
    });
    return { db: db.id, inv: inv.id, invUserId: inv.userId, acct: acct.id };
  };
}

/** Replaces every occurrence of each value in a JSON text by its placeholder (or back). */
export function substitute(text: string, pairs: readonly [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) out = out.split(from).join(to);
  return out;
}
