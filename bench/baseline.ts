/**
 * The floor under the engine figures: a dynamic provider that does nothing
 * (no HTTP, no validation), run through the same engine and host. What a
 * stack of these costs is the engine's and the Node host's own overhead;
 * the difference to the DatabaseUser figures is ours.
 */
import * as pulumi from "@pulumi/pulumi";

// Serialized into each resource like any dynamic provider: it captures nothing.
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs: Record<string, unknown>) {
    return { id: String(inputs.key), outs: inputs };
  },
  async delete() {
    return;
  },
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(noopProvider, name, { key: name }, undefined, "atlas-users-bench", "Noop");
  }
}

/** N resources of the do-nothing provider. */
export function noopProgram(count: number) {
  return async () => {
    for (let i = 0; i < count; i++) new NoopResource(`noop-${i}`);
  };
}
