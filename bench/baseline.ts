/**
 * The floor under the engine figures: a dynamic provider that does nothing
 * (no HTTP, no validation), run through the same engine and host. What a
 * stack of these costs is the engine's and the Node host's own overhead;
 * the difference to the DatabaseUser figures is ours.
 *
 * The resources take the same inputs as the bench's `DatabaseUser`s (project,
 * username, the secret password, one role) and echo them as outputs, so the
 * engine carries the same declared values for both; what our provider adds
 * (normalised fields, the owner, its outputs) is the difference. Its
 * `__provider` is the same one line as ours (`providerText`), requiring its
 * module (62 bytes against our 73 for DatabaseUser): the module is written into the stack's workspace
 * (`installNoopProvider`), where the host resolves it as it resolves ours.
 * The SDK's closure serializer would store about 2 KB per copy instead,
 * which the engine would then carry for the baseline only.
 */
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { providerText } from "../provider/common/shim";

const NOOP_MODULE = "atlas-users-bench-noop";

/** The do-nothing provider's module. */
const NOOP_MODULE_SOURCE = `"use strict";
exports.provider = {
  async check(olds, news) { return { inputs: news }; },
  async diff(id, olds, news) { return { changes: JSON.stringify(olds.roles) !== JSON.stringify(news.roles) }; },
  async create(inputs) { return { id: inputs.projectId + "/" + inputs.username, outs: inputs }; },
  async read(id, props) { return { id, props }; },
  async update(id, olds, news) { return { outs: news }; },
  async delete() {},
};
`;

/** What each resource stores as `__provider`: the host loads it with require-from-string, resolving from the program's directory. */
export const NOOP_PROVIDER_TEXT = providerText(NOOP_MODULE);

export const NOOP_TYPE = "pulumi-nodejs:dynamic/atlas-users-bench:Noop";

/** Puts the do-nothing provider's module into `node_modules` of a stack's workspace (`<EngineStack.dir>/work`). */
export function installNoopProvider(workDir: string): void {
  const dir = path.join(workDir, "node_modules");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${NOOP_MODULE}.js`), NOOP_MODULE_SOURCE);
}

interface NoopArgs {
  projectId: string;
  username: string;
  password: pulumi.Input<string>;
  roles: { roleName: string; databaseName: string }[];
}

class NoopResource extends pulumi.CustomResource {
  constructor(name: string, args: NoopArgs) {
    super(NOOP_TYPE, name, { ...args, __provider: NOOP_PROVIDER_TEXT });
  }
}

/**
 * N do-nothing resources declared like `usersProgram`'s users: user i in
 * `projectIds[floor(i / perProject)]`, the password from secret config
 * `benchPassword`, one role (`role` is what the update phase changes).
 */
export function noopProgram(projectIds: readonly string[], count: number, role: string, perProject = 100) {
  return async () => {
    const password = new pulumi.Config().requireSecret("benchPassword");
    for (let i = 0; i < count; i++) {
      new NoopResource(`noop-${i}`, {
        projectId: projectIds[Math.floor(i / perProject)],
        username: `bench-user-${i}`,
        password,
        roles: [{ roleName: role, databaseName: "app" }],
      });
    }
  };
}
