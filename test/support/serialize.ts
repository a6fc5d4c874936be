/**
 * Layer 2: the provider as the engine stores it. `serializeBuiltProvider`
 * gives the `__provider` text the built `dist/` writes (`providerText`), and
 * `serializeProvider` what the SDK's closure serializer makes of any provider
 * object (as `pulumi.dynamic.Resource` does, for test fixtures and old states);
 * `runSerializedProvider` loads that text in another fresh process with
 * require-from-string and `.handler()`, the way the dynamic-provider host
 * does, and calls its methods.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createLinkedWorkDir, repoRoot } from "./workdir";

export interface SerializedProvider {
  /** The `__provider` text. */
  text: string;
  /** What the serializer reports: whether it captured a Pulumi secret. */
  containsSecrets: boolean;
}

function runNode(script: string, cwd: string, stdin?: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["-e", script],
      { cwd, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`node child failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

/**
 * The `__provider` text of each module, as the built `dist/` writes it
 * (`providerText`), computed in one fresh process (no jest transform involved), in order.
 */
export async function serializeBuiltProviders(implModules: string[]): Promise<SerializedProvider[]> {
  const script = `
    const { providerText } = require(${JSON.stringify(path.join(repoRoot, "dist", "provider", "common", "shim.js"))});
    process.stdout.write(JSON.stringify(${JSON.stringify(implModules)}.map((m) => ({ text: providerText(m), containsSecrets: false }))));`;
  return JSON.parse(await runNode(script, repoRoot));
}

/** {@link serializeBuiltProviders} for one module. */
export async function serializeBuiltProvider(implModule: string): Promise<SerializedProvider> {
  return (await serializeBuiltProviders([implModule]))[0];
}

/** Serializes any provider object in this process, with the same SDK call. */
export async function serializeProvider(provider: object): Promise<SerializedProvider> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, containsSecrets: sf.containsSecrets };
}

/** One method call on the loaded provider: `configure` receives `{config}` built from a raw config map. */
export type ProviderCall =
  | { method: "configure"; config: Record<string, string>; project?: string }
  | { method: "check" | "diff" | "create" | "read" | "update" | "delete"; args: unknown[] };

export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Loads `text` in a fresh node process whose cwd resolves this package by
 * name (as a program directory does) and makes `calls` in order on the same
 * provider object. A failing call is reported, not thrown, and the next runs.
 */
export async function runSerializedProvider(
  text: string,
  calls: ProviderCall[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<CallOutcome[]> {
  const cwd = createLinkedWorkDir("atlas-serialized-");
  const script = `
    const requireFromString = require("require-from-string");
    const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config");
    let input = "";
    process.stdin.on("data", (d) => (input += d));
    process.stdin.on("end", async () => {
      const { text, calls } = JSON.parse(input);
      const outcomes = [];
      let provider;
      try {
        provider = requireFromString(text).handler();
      } catch (err) {
        process.stdout.write(JSON.stringify([{ ok: false, error: "load: " + (err && err.stack || err) }]));
        return;
      }
      for (const call of calls) {
        try {
          const value = call.method === "configure"
            ? await provider.configure({ config: new Config(call.config, call.project || "project") })
            : await provider[call.method](...call.args);
          outcomes.push({ ok: true, value: value === undefined ? null : value });
        } catch (err) {
          outcomes.push({ ok: false, error: String(err && err.message || err) });
        }
      }
      process.stdout.write(JSON.stringify(outcomes));
    });`;
  try {
    // require-from-string resolves from the repo's node_modules via the @pulumi link's real path.
    const requireFromStringDir = path.dirname(require.resolve("require-from-string/package.json", { paths: [repoRoot] }));
    const prelude = `module.paths.unshift(${JSON.stringify(path.dirname(requireFromStringDir))});`;
    const out = await runNode(prelude + script, cwd, JSON.stringify({ text, calls }), opts.env);
    return JSON.parse(out);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}
