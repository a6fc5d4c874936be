/**
 * The provider plugin (`pulumi-resource-atlas-users`): a real Pulumi provider
 * serving the type tokens `atlas-users:index:<Resource>` with the very
 * implementations the dynamic resources run (`resources.ts`). It implements
 * `@pulumi/pulumi/provider`'s `Provider`, and `main.ts` serves it.
 *
 * What differs from the dynamic path, and is mapped here:
 * - the type token, not a `__provider` property, says which implementation runs;
 * - the plugin accepts secrets: the engine sends secret values wrapped
 *   (`{ [specialSigKey]: specialSecretSig, value }`), so they are unwrapped
 *   before the implementation sees them, and every property the schemas mark
 *   secret (and every input that arrived secret) goes back wrapped, whether the
 *   engine asked for inputs (check, read) or outputs (create, read, update);
 * - configuration: `configure` receives the provider's own config (`atlas-users:<key>`),
 *   see {@link pluginConfig};
 * - `owner` (DatabaseUser): the resource class fills it in from the program's
 *   project and stack; here `check` takes them from the URN.
 *
 * Unknown values during a preview reach `check` and `diff` as the same
 * placeholder string as on the dynamic path (`provider/common/unknowns.ts`),
 * and the implementations handle them as they do there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { PLUGIN_CONFIG_KEYS } from "../config";
import type { ConfigureRequestLike } from "../context";
import { isUnknown } from "../common/unknowns";
import { PACKAGE, RESOURCES, type ServedResource } from "./resources";

type Props = Record<string, unknown>;

/** Whether a value is the engine's wrapper of a secret. */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Props)[specialSigKey] === specialSecretSig;
}

/** The value with every secret wrapper (at any depth) removed. */
export function revealSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return revealSecrets(value.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

/** `value` as a secret for the engine. */
export function asSecret(value: unknown): unknown {
  return isSecretValue(value) ? value : { [specialSigKey]: specialSecretSig, value };
}

/** Whether a secret is anywhere in a value. */
function holdsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/**
 * The top-level properties that arrived holding a secret, at any depth. The
 * resource code sees plain values and answers plain ones, so a property is
 * returned whole as a secret when any part of it was one (one label's value
 * makes all of `labels` secret): more secret than asked, never less.
 */
function secretKeysOf(props: unknown): string[] {
  if (props === null || typeof props !== "object") return [];
  return Object.entries(props).filter(([, v]) => holdsSecret(v)).map(([k]) => k);
}

/** The properties with `secrets` wrapped as secrets (absent ones stay absent). */
function withSecrets(props: unknown, secrets: Iterable<string>): Props | undefined {
  if (props === undefined || props === null) return undefined;
  const out: Props = { ...(props as Props) };
  for (const key of secrets) {
    if (out[key] !== undefined) out[key] = asSecret(out[key]);
  }
  return out;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → the resource's name (the token's last part) and `<project>/<stack>`. */
export function parseUrn(urn: string): { resource: string; type: string; owner: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`${PACKAGE}: not a resource URN: ${urn}`);
  const stack = parts[0].slice("urn:pulumi:".length);
  const project = parts[1];
  // The qualified type is `parent$...$type` for a child resource.
  const type = parts[2].split("$").pop() as string;
  return { resource: type.split(":").pop() as string, type, owner: `${project}/${stack}` };
}

/**
 * The run context's config (`provider/context.ts`) from the plugin's own
 * config, `ConfigureRequest.args`: each setting under `atlas-users:<name>`
 * ({@link PLUGIN_CONFIG_KEYS}), with the names of the dynamic path's
 * `mongodbatlas:*` / `atlasUsers:*` keys (publicKey, privateKey, clientId,
 * clientSecret, baseUrl, platform, allowInsecureHttp, requestTimeoutMs,
 * maxRetries, retryTimeoutMs); errors name these keys. The engine sends a
 * provider plugin its own package's keys only, so `mongodbatlas:*` and
 * `atlasUsers:*` never reach it; unset settings fall back to the environment
 * variables, as on the dynamic path.
 */
export function pluginConfig(args: Props): ConfigureRequestLike {
  const names = new Map<string, string>(Object.entries(PLUGIN_CONFIG_KEYS).map(([name, key]) => [key, name]));
  return {
    keys: PLUGIN_CONFIG_KEYS,
    config: {
      get(key: string): string | undefined {
        const name = names.get(key);
        if (name === undefined) return undefined;
        const value = revealSecrets(args[name]);
        if (value === undefined || value === null || isUnknown(value)) return undefined;
        return typeof value === "string" ? value : JSON.stringify(value);
      },
    },
  };
}

/** The repository (or installed package) root: where package.json and schema.json live. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-atlas-users") return dir;
    if (path.dirname(dir) === dir) throw new Error(`${PACKAGE}: cannot find the package root (a package.json named pulumi-atlas-users) above ${from}`);
  }
}

export class AtlasUsersProvider implements pulumiProvider.Provider {
  readonly version: string;
  private readonly root: string;
  private configured: ConfigureRequestLike = pluginConfig({});
  private readonly ready = new Set<string>();

  constructor(root: string = packageRoot()) {
    this.root = root;
    this.version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
  }

  /** The package schema (`schema.json`, generated by `npm run schema`). */
  async getSchema(): Promise<string> {
    return fs.promises.readFile(path.join(this.root, "schema.json"), "utf8");
  }

  /**
   * The provider's config (`ConfigureRequest.args`, keys without the
   * `atlas-users:` namespace). Not part of the SDK's `Provider` interface,
   * whose server drops it: `main.ts` passes it in. Values are never logged.
   */
  async configure(args: Props): Promise<void> {
    this.configured = pluginConfig(args);
    this.ready.clear();
  }

  /** The resource for a URN, its implementation configured with the provider's config. */
  private async resourceOf(urn: string): Promise<ServedResource & { owner: string }> {
    const { resource, type, owner } = parseUrn(urn);
    const served = RESOURCES[resource];
    if (!served || type !== `${PACKAGE}:index:${resource}`) throw new Error(`${PACKAGE}: unknown resource type ${type}`);
    if (!this.ready.has(resource)) {
      await served.implementation.configure(this.configured);
      this.ready.add(resource);
    }
    return { ...served, owner };
  }

  async check(urn: string, olds: unknown, news: unknown): Promise<pulumiProvider.CheckResult> {
    const r = await this.resourceOf(urn);
    const plainNews = revealSecrets(news) as Props;
    if (r.hasOwner && plainNews.owner === undefined) plainNews.owner = r.owner;
    const result = await r.implementation.check(revealSecrets(olds ?? {}), plainNews);
    return {
      inputs: withSecrets(result.inputs ?? plainNews, [...r.secrets, ...secretKeysOf(news)]),
      failures: result.failures,
    };
  }

  async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumiProvider.DiffResult> {
    const r = await this.resourceOf(urn);
    const result = await r.implementation.diff(id, revealSecrets(olds), revealSecrets(news));
    return {
      changes: result.changes,
      replaces: result.replaces,
      stables: result.stables,
      deleteBeforeReplace: result.deleteBeforeReplace,
    };
  }

  async create(urn: string, inputs: unknown): Promise<pulumiProvider.CreateResult> {
    const r = await this.resourceOf(urn);
    const result = await r.implementation.create(revealSecrets(inputs));
    return { id: result.id, outs: withSecrets(result.outs ?? {}, [...r.secrets, ...secretKeysOf(inputs)]) };
  }

  async read(id: string, urn: string, props?: unknown): Promise<pulumiProvider.ReadResult> {
    const r = await this.resourceOf(urn);
    const result = await r.implementation.read(id, revealSecrets(props ?? {}));
    const secrets = [...r.secrets, ...secretKeysOf(props)];
    return {
      id: result.id,
      props: withSecrets(result.props ?? {}, secrets),
      inputs: withSecrets(result.inputs, secrets),
    };
  }

  async update(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumiProvider.UpdateResult> {
    const r = await this.resourceOf(urn);
    const result = await r.implementation.update(id, revealSecrets(olds), revealSecrets(news));
    return { outs: withSecrets(result.outs ?? {}, [...r.secrets, ...secretKeysOf(news), ...secretKeysOf(olds)]) };
  }

  async delete(id: string, urn: string, props: unknown): Promise<void> {
    const r = await this.resourceOf(urn);
    await r.implementation.delete(id, revealSecrets(props));
  }
}
