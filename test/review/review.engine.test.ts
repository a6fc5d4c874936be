/**
 * `review` on previews the real engine produced (`pulumi preview --json`
 * through the harness), for scripted changes against the emulator: create,
 * role change and expiry extension, password change, replacement, re-invite,
 * destroy. Each review's Markdown is checked line by line for the facts it
 * must state (and the secrets it must not), not against a stored snapshot.
 */
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DatabaseUser, OrgInvitation } from "../../provider";
import { review } from "../../review";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "../support/emulator";
import { assertNoSecrets, createEngineStack, describeEngine, type EngineStack } from "../support/engine";
import { repoRoot } from "../support/workdir";

const DAY_MS = 24 * 3600_000;
const PASSWORDS = ["Review-Pass-app-1", "Review-Pass-ops-1", "Review-Pass-ops-2", "Review-Pass-derived-1"];

interface Spec {
  app?: { username: string; roles: { roleName: string; databaseName: string }[]; expiresIn: string };
  ops?: { password: string; expiresIn?: string };
  ada?: { roles: string[] };
  derived?: boolean;
}

/** The program for a spec: what exists is what the spec names. */
function program(projectId: string, orgId: string, spec: Spec) {
  return async () => {
    if (spec.app) {
      const app = new DatabaseUser("app", {
        projectId,
        username: spec.app.username,
        password: pulumi.secret(PASSWORDS[0]),
        roles: spec.app.roles,
        expiresIn: spec.app.expiresIn,
      });
      if (spec.derived) {
        // A name known only once `app` exists: "(known after apply)" in the first preview.
        new DatabaseUser("derived", {
          projectId,
          username: app.id.apply((id) => `svc-${id.length}`),
          password: pulumi.secret(PASSWORDS[3]),
          roles: [{ roleName: "read", databaseName: "metrics" }],
        });
      }
    }
    if (spec.ops) {
      new DatabaseUser("ops", {
        projectId,
        username: "ops-reader",
        password: pulumi.secret(spec.ops.password),
        roles: [{ roleName: "readAnyDatabase", databaseName: "admin" }],
        ...(spec.ops.expiresIn ? { expiresIn: spec.ops.expiresIn } : {}),
      });
    }
    if (spec.ada) {
      new OrgInvitation("ada", {
        orgId,
        username: "ada@example.com",
        roles: spec.ada.roles as never,
        projectRoles: [{ projectId, roles: ["GROUP_READ_ONLY"] as never }],
      });
    }
  };
}

/** The review's lines, and a check that each expected line is there (reported all at once when not). */
function linesOf(markdown: string): string[] {
  return markdown.split("\n");
}

function expectLines(markdown: string, expected: string[]): void {
  const lines = new Set(linesOf(markdown));
  const missing = expected.filter((l) => !lines.has(l));
  if (missing.length > 0) throw new Error(`review lacks these lines:\n${missing.join("\n")}\n--- review ---\n${markdown}`);
}

/** The lines of one section (from its heading to the next heading). */
function section(markdown: string, heading: string): string[] {
  const lines = linesOf(markdown);
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no section ${JSON.stringify(heading)} in:\n${markdown}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("#"));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.startsWith("- "));
}

describeEngine("review on previews of the real engine", () => {
  let emu: EmulatorHandle;
  let stack: EngineStack;
  let projectId: string;
  let orgId: string;
  let spec: Spec;
  const previews: string[] = [];
  const reviews: string[] = [];

  async function reviewOfPreview(): Promise<string> {
    stack.setProgram(program(projectId, orgId, spec));
    const { text } = await stack.previewJson();
    previews.push(text);
    const md = review(text).output;
    reviews.push(md);
    return md;
  }

  async function up(): Promise<void> {
    await stack.up({ program: program(projectId, orgId, spec) });
  }

  beforeAll(async () => {
    emu = await startTestEmulator();
    const seeded = (await emulatorControl.seed(emu, { projects: [{ name: "review" }] })) as { projects: { id: string; orgId: string }[] };
    ({ id: projectId, orgId } = seeded.projects[0]);
    spec = {
      app: { username: "app", roles: [{ roleName: "readWrite", databaseName: "app" }], expiresIn: "24h" },
      ops: { password: PASSWORDS[1] },
      ada: { roles: ["ORG_MEMBER"] },
      derived: true,
    };
    stack = await createEngineStack({ emulator: emu, program: program(projectId, orgId, spec) });
  });

  afterAll(async () => {
    // Nothing the tool printed, nor any preview it read, holds a password.
    for (const text of [...reviews, ...previews]) assertNoSecrets(text, [...PASSWORDS, emu.privateKey]);
    await stack?.dispose();
    await emu?.close();
  });

  test("create: each user with its roles, lifetime and password as 'set'; the person with org and project roles; unknown names", async () => {
    const md = await reviewOfPreview();
    expectLines(md, [
      "## Access review",
      "**1 person gains access, 3 database users created, 1 privileged grant, 1 expiring within 24 h.**",
      `### Project \`${projectId}\``,
      `### Organization \`${orgId}\``,
    ]);
    expect(linesOf(md).indexOf(`### Project \`${projectId}\``)).toBeLessThan(linesOf(md).indexOf(`### Organization \`${orgId}\``));
    expect(section(md, "#### Database user `app` (admin, SCRAM password): created")).toEqual([
      "- authentication: SCRAM password",
      "- role: `readWrite` on `app`",
      "- scope: every cluster and data lake of the project",
      "- lifetime: expires 1d after apply (expiresIn `24h`)",
      "- password: set (secret)",
    ]);
    expect(section(md, "#### Database user `ops-reader` (admin, SCRAM password): created")).toEqual([
      "- authentication: SCRAM password",
      "- role: `readAnyDatabase` on `admin` **privileged**",
      "- scope: every cluster and data lake of the project",
      "- lifetime: permanent (no expiry)",
      "- password: set (secret)",
    ]);
    expect(section(md, "#### Database user `(known after apply)` (admin, SCRAM password): created")).toContain("- role: `read` on `metrics`");
    expect(section(md, "#### Person `ada@example.com`: invited")).toEqual([
      "- org role: `ORG_MEMBER`",
      `- project role: \`GROUP_READ_ONLY\` in project \`${projectId}\``,
    ]);
    // JSON: the same facts, flags instead of markup.
    const json = JSON.parse(review(previews[0], { format: "json" }).output);
    expect(json.summary).toMatchObject({ changes: 4, peopleGainingAccess: 1, privilegedGrants: 1, expiringWithin24h: 1, databaseUsers: { created: 3 } });
    const ops = json.groups[0].sections.find((s: { title: string }) => s.title.startsWith("Database user ops-reader"));
    expect(ops.facts).toContainEqual({ text: "role: readAnyDatabase on admin", privileged: true });
    await up();
  });

  test("role change, expiry extension and org role: added and removed per database, extended with the old due date; privileged marked", async () => {
    const before = (await stack.resources()).find((r) => r.outputs.username === "app")!.outputs.deleteAfterDate as string;
    spec.app = { username: "app", roles: [{ roleName: "atlasAdmin", databaseName: "admin" }, { roleName: "read", databaseName: "app" }], expiresIn: "48h" };
    spec.ada = { roles: ["ORG_MEMBER", "ORG_BILLING_ADMIN"] };
    const md = await reviewOfPreview();
    expect(section(md, "#### Database user `app` (admin, SCRAM password): updated")).toEqual([
      "- role added: `atlasAdmin` on `admin` **privileged**",
      "- role added: `read` on `app`",
      "- role removed: `readWrite` on `app`",
      `- expiry extended: expiresIn \`24h\` → \`48h\` (was due \`${before}\`)`,
    ]);
    expect(section(md, "#### Person `ada@example.com`: updated")).toEqual(["- org role added: `ORG_BILLING_ADMIN`"]);
    expect(md).not.toContain("Database user `ops-reader`");
    expect(md).toContain("**1 database user changed, 1 other identity change, 1 privileged grant.**");
    await up();
  });

  test("a password alone changed: 'changed (secret)', never its value", async () => {
    spec.ops = { password: PASSWORDS[2] };
    const md = await reviewOfPreview();
    expect(section(md, "#### Database user `ops-reader` (admin, SCRAM password): updated")).toEqual(["- password: changed (secret)"]);
    await up();
  });

  test("replacement: a renamed user (new user, old deleted) and a permanent user given an expiry", async () => {
    spec.app = { ...spec.app!, username: "app-v2" };
    spec.ops = { password: PASSWORDS[2], expiresIn: "12h" };
    const md = await reviewOfPreview();
    const app = section(md, "#### Database user `app-v2` (admin, SCRAM password): replaced");
    expect(app).toContain("- renamed: `app` → `app-v2` (a new user; the old one is deleted)");
    expect(app).toContain("- role kept: `atlasAdmin` on `admin`");
    const ops = section(md, "#### Database user `ops-reader` (admin, SCRAM password): replaced");
    expect(ops).toContain(
      "- expiry set: expires 12h after apply (expiresIn `12h`); Atlas cannot make a permanent user temporary, so it is deleted and recreated",
    );
    // `derived` takes its name from app's id, which the rename changes: not known until apply, so replaced too.
    expect(section(md, "#### Database user `(known after apply)` (admin, SCRAM password): replaced")).toContain(
      `- renamed: \`svc-${`${projectId}/admin/app`.length}\` → \`(known after apply)\` (a new user; the old one is deleted)`,
    );
    expect(md).toContain("**3 database users changed, 1 expiring within 24 h.**");
    await up();
  });

  test("re-invite: an invitation that expired unaccepted is sent again", async () => {
    spec.ada = undefined;
    const removed = await reviewOfPreview();
    expect(section(removed, "#### Person `ada@example.com`: invitation withdrawn")).toEqual([
      "- loses org role: `ORG_BILLING_ADMIN`",
      "- loses org role: `ORG_MEMBER`",
      `- loses project role: \`GROUP_READ_ONLY\` in project \`${projectId}\``,
    ]);
    expect(removed).toContain("**1 person loses access.**");
    await up();
    // Invited 31 days ago by the emulator's clock: the invitation has expired by now.
    await emulatorControl.setClock(emu, new Date(Date.now() - 31 * DAY_MS).toISOString());
    spec.ada = { roles: ["ORG_MEMBER"] };
    await up();
    await emulatorControl.setClock(emu, new Date().toISOString());
    const md = await reviewOfPreview();
    const lines = section(md, "#### Person `ada@example.com`: re-invited");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^- re-invited: the invitation expired at `\d{4}-\d\d-\d\dT[\d:.]+Z`; a new invitation is sent \(valid 30 days\)$/);
    await up();
  });

  test("destroy: every identity deleted, with what it loses", async () => {
    spec = {};
    const md = await reviewOfPreview();
    expect(md).toContain("**1 person loses access, 3 database users deleted.**");
    expect(section(md, "#### Database user `app-v2` (admin, SCRAM password): deleted")).toEqual([
      "- loses role: `atlasAdmin` on `admin`",
      "- loses role: `read` on `app`",
    ]);
    expect(section(md, "#### Database user `ops-reader` (admin, SCRAM password): deleted")).toEqual(["- loses role: `readAnyDatabase` on `admin`"]);
    expect(section(md, "#### Person `ada@example.com`: invitation withdrawn")).toEqual([
      "- loses org role: `ORG_MEMBER`",
      `- loses project role: \`GROUP_READ_ONLY\` in project \`${projectId}\``,
    ]);
  });

  test("the installed command prints the same review from a file and from standard input", () => {
    const file = path.join(stack.dir, "preview.json");
    fs.writeFileSync(file, previews[1]);
    const bin = path.join(repoRoot, "bin", "pulumi-atlas-users.js");
    const fromFile = execFileSync(process.execPath, [bin, "review", file], { encoding: "utf8" });
    const fromStdin = execFileSync(process.execPath, [bin, "review", "--format", "json"], { input: previews[1], encoding: "utf8" });
    expect(fromFile).toBe(reviews[1]);
    expect(JSON.parse(fromStdin).summary.privilegedGrants).toBe(1);
  });

  test("--max-chars: whole sections left out from the end, said so; the summary still counts every change", () => {
    const bin = path.join(repoRoot, "bin", "pulumi-atlas-users.js");
    const md = execFileSync(process.execPath, [bin, "review", "--max-chars", "1000"], { input: previews[0], encoding: "utf8" });
    expect(md.length).toBeLessThanOrEqual(1000);
    expect(md).toContain("**1 person gains access, 3 database users created, 1 privileged grant, 1 expiring within 24 h.**");
    const shown = linesOf(md).filter((l) => l.startsWith("#### "));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(4);
    const left = 4 - shown.length;
    expect(md).toContain(`**${left} more ${left === 1 ? "change" : "changes"} not shown** (the review is longer than 1000 characters)`);
    // What is shown is shown whole.
    for (const heading of shown) expect(section(md, heading)).toEqual(section(reviews[0], heading));
  });

  test("--policy-config: the privileged lists as the policy pack's config sets them", () => {
    const config = path.join(stack.dir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ "privileged-database-roles": { privilegedRoles: ["read@app"] }, "owner-roles": { ownerRoles: ["ORG_BILLING_ADMIN"] } }));
    const bin = path.join(repoRoot, "bin", "pulumi-atlas-users.js");
    const md = execFileSync(process.execPath, [bin, "review", "--policy-config", config], { input: previews[1], encoding: "utf8" });
    expect(section(md, "#### Database user `app` (admin, SCRAM password): updated").slice(0, 2)).toEqual([
      "- role added: `atlasAdmin` on `admin`",
      "- role added: `read` on `app` **privileged**",
    ]);
    expect(section(md, "#### Person `ada@example.com`: updated")).toEqual(["- org role added: `ORG_BILLING_ADMIN` **privileged**"]);
  });
});
