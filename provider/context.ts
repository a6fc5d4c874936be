/**
 * The run context: what one `pulumi` run's provider needs to reach MongoDB
 * Cloud, built once when the engine configures a resource provider and handed
 * down to the lifecycle code, which never looks anything up by itself.
 *
 * It lives in the *installed* package, inside the dynamic-provider host; none
 * of it is ever serialized into `__provider`. The host calls `configure` once
 * per resource type with the same stack config, so contexts are shared by
 * config: every resource reuses one client per connection (one connection
 * pool, one digest challenge, one OAuth token).
 */
import { createHash } from "node:crypto";
import { AtlasClient } from "./client/client";
import { CONFIG_KEYS, resolveSettings, type ConfigKeys, type Settings } from "./config";
import { exitWhenEngineGone } from "./engineWatch";
import { isPlatform, resolvePlatform, type Platform } from "./platform";
import { isUnknown } from "./common/unknowns";

/** The part of Pulumi's `ConfigureRequest` used here. */
export interface ConfigureRequestLike {
  readonly config: { get(key: string): string | undefined };
  /** The config keys to read: the dynamic provider's stack keys (`CONFIG_KEYS`) unless said otherwise (the plugin's). */
  readonly keys?: ConfigKeys;
}

export interface RunContext {
  /** Settings for a platform (the stack's when omitted), resolved once. Throws `ConfigError` saying what to set. */
  settings(platform?: Platform): Settings;
  /** The client for a platform's settings. */
  client(platform?: Platform): AtlasClient;
  /** The platform a resource lives on: its own `platform` input when it names one, else the stack's. */
  platformOf(declared: unknown): Platform;
}

const contexts = new Map<string, RunContext>();
const clients = new Map<string, AtlasClient>();
const printedWarnings = new Set<string>();

/**
 * The context for a stack config (the request `configure` received; none when
 * the engine never called `configure`: then the environment alone). The
 * environment is read once, here.
 */
export function runContext(req?: ConfigureRequestLike, env: NodeJS.ProcessEnv = process.env): RunContext {
  // In the dynamic-provider host: stop sending once the engine is gone (nothing elsewhere).
  exitWhenEngineGone();
  const config = req?.config;
  const lookup = config ? (key: string) => config.get(key) : () => undefined;
  const keys = req?.keys ?? CONFIG_KEYS;
  const key = contextKey(lookup, keys, env);
  let context = contexts.get(key);
  if (!context) {
    context = createContext(lookup, keys, { ...env });
    contexts.set(key, context);
  }
  return context;
}

function createContext(stackConfig: (key: string) => string | undefined, keys: ConfigKeys, env: NodeJS.ProcessEnv): RunContext {
  const resolved = new Map<string, { settings?: Settings; error?: unknown }>();
  const settings = (platform?: Platform): Settings => {
    const slot = platform ?? "";
    let entry = resolved.get(slot);
    if (!entry) {
      try {
        entry = { settings: resolveSettings(stackConfig, env, platform === undefined ? {} : { platform }, keys) };
      } catch (error) {
        entry = { error };
      }
      resolved.set(slot, entry);
    }
    if (entry.error !== undefined) throw entry.error;
    const found = entry.settings as Settings;
    for (const warning of found.warnings) {
      if (printedWarnings.has(warning)) continue;
      printedWarnings.add(warning);
      process.stderr.write(`warning: pulumi-atlas-users: ${warning}\n`);
    }
    return found;
  };
  return {
    settings,
    client: (platform) => clientFor(settings(platform)),
    platformOf: (declared) => resolvePlatform(declared, () => settings().platform),
  };
}

function clientFor(settings: Settings): AtlasClient {
  const key = hash([settings.baseUrl, settings.credentials, settings.allowInsecureHttp, settings.timeoutMs, settings.retry]);
  let client = clients.get(key);
  if (!client) {
    client = new AtlasClient({
      baseUrl: settings.baseUrl,
      credentials: settings.credentials,
      allowInsecureHttp: settings.allowInsecureHttp,
      timeoutMs: settings.timeoutMs,
      retry: settings.retry,
    });
    clients.set(key, client);
  }
  return client;
}

/** Forgets every context, printed warning and client (closing them). */
export function resetContextsForTests(): Promise<void> {
  contexts.clear();
  printedWarnings.clear();
  const closing = [...clients.values()].map((c) => c.close());
  clients.clear();
  return Promise.allSettled(closing).then(() => undefined);
}

/** A hash of everything settings are resolved from, so the map's keys hold no secret in readable form. */
function contextKey(lookup: (key: string) => string | undefined, keys: ConfigKeys, env: NodeJS.ProcessEnv): string {
  const envPart = Object.entries(env)
    .filter(([name]) => /^(MONGODB_ATLAS_|MCLI_|ATLAS_USERS_)/.test(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const configPart = Object.values(keys).map((k) => [k, lookup(k)]);
  return hash([configPart, envPart]);
}

function hash(material: unknown): string {
  return createHash("sha256").update(JSON.stringify(material)).digest("hex");
}

/**
 * The platform `check` judges a resource's inputs for: its own `platform`
 * input, else the stack's setting. Undefined when it is not known yet (a
 * preview) or the settings are broken (the client reports that, with its own message).
 */
export function platformForCheck(context: RunContext, news: unknown): Platform | undefined {
  const declared = news !== null && typeof news === "object" ? (news as Record<string, unknown>).platform : undefined;
  if (isUnknown(declared)) return undefined;
  if (isPlatform(declared)) return declared;
  try {
    return context.platformOf(undefined);
  } catch {
    return undefined;
  }
}

/**
 * What one provider object keeps: the context `configure` built (the
 * environment alone if the engine never called it), and a client for a
 * resource's platform.
 */
export function providerContext() {
  let configured: RunContext | undefined;
  const ctx = (): RunContext => (configured ??= runContext());
  return {
    ctx,
    clientFor: (platform: Platform | undefined) => ctx().client(ctx().platformOf(platform)),
    configure: async (req: ConfigureRequestLike): Promise<void> => {
      configured = runContext(req);
    },
  };
}
