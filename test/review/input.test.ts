/**
 * `review`'s input checks and the describer of resource types newer than its
 * table. The previews of today's resources come from the real engine
 * (review.engine.test.ts); these documents are the broken ones a CI job can
 * hand over, and a type the engine cannot produce yet.
 */
import { InputError } from "../../cli/input";
import { main } from "../../cli/main";
import { DESCRIBERS, review, TYPE_PREFIX } from "../../review";

const ADA = "ada@example.com";

function step(op: string, type: string, name: string, olds?: object, news?: object): object {
  const urn = `urn:pulumi:dev::p::${type}::${name}`;
  return {
    op,
    urn,
    ...(olds ? { oldState: { urn, type, inputs: olds, outputs: olds } } : {}),
    ...(news ? { newState: { urn, type, inputs: news } } : {}),
  };
}

async function cli(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), stdin: () => stdin });
  return { code, out, err };
}

test("input that is not a preview: each a clear message, exit status 2", async () => {
  const preview = JSON.stringify({ steps: [step("create", `${TYPE_PREFIX}DatabaseUser`, "u", undefined, { projectId: "p", username: "u", roles: [] })] });
  const cases: [string, string][] = [
    ["", "the input is empty: expected the JSON of `pulumi preview --json`"],
    [preview.slice(0, 60), "the input ends in the middle of a JSON document (60 characters): it looks truncated."],
    ["Previewing update (dev):\n  + 1 to create", "the input is not JSON"],
    ["[1, 2]", "the input is JSON but not a preview (it is an array)"],
    [JSON.stringify({ version: 3, deployment: { resources: [] } }), "the input is a stack's state (`pulumi stack export`), not a preview"],
    [JSON.stringify({ config: {}, diagnostics: [{ message: "error: program failed\n" }] }), "the preview failed and has no steps; its first diagnostic: error: program failed"],
    [JSON.stringify({ steps: [{ urn: 5 }] }), "preview step 0 has no \"op\" and \"urn\""],
  ];
  for (const [text, message] of cases) {
    expect(() => review(text)).toThrow(InputError);
    expect(() => review(text)).toThrow(message);
    const run = await cli(["review"], text);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`pulumi-atlas-users review: ${message}`);
  }
  expect((await cli(["review"], preview)).code).toBe(0);
  expect((await cli(["review", "--format", "yaml"], preview)).err).toContain("--format is markdown or json");
  expect((await cli(["audit", "--within", "soon"], preview)).err).toContain("--within is a duration such as 7d");
});

test("a resource type with no describer yet: its changed properties, privileged roles marked, secrets as 'set', unknowns", () => {
  const type = `${TYPE_PREFIX}TeamMembership`;
  expect(DESCRIBERS[type]).toBeUndefined();
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const text = JSON.stringify({
    steps: [
      step("create", type, "ada-admins", undefined, { orgId: "o1", teamId: unknown, username: ADA, roles: ["GROUP_OWNER", "GROUP_READ_ONLY"], apiKey: "[secret]" }),
      step("update", type, "bob-ops", { orgId: "o1", username: "bob@example.com", roles: ["GROUP_READ_ONLY"] }, { orgId: "o1", username: "bob@example.com", roles: ["GROUP_OWNER"] }),
    ],
  });
  const md = review(text).output.split("\n");
  expect(md).toContain("**1 person gains access, 1 other identity change, 2 privileged grants.**");
  expect(md).toContain("### Organization `o1`");
  const at = md.indexOf(`#### TeamMembership \`${ADA}\`: created`);
  expect(md.slice(at + 1, at + 7)).toEqual([
    "- orgId: o1",
    "- roles: `GROUP_OWNER` **privileged**",
    "- roles: `GROUP_READ_ONLY`",
    "- teamId: (known after apply)",
    `- username: ${ADA}`,
    "- apiKey: set (secret)",
  ]);
  const bob = md.indexOf("#### TeamMembership `bob@example.com`: updated");
  expect(md.slice(bob + 1, bob + 3)).toEqual(["- roles added: `GROUP_OWNER` **privileged**", "- roles removed: `GROUP_READ_ONLY`"]);
});
