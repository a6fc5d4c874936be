/**
 * The provider's run-time state: the stack config handed to `configure()` and
 * the API clients built from it. This is module state of the *installed*
 * package, inside the dynamic-provider host; none of it is ever serialized
 * into `__provider`.
 */
import { createHash } from "node:crypto";
import { AtlasClient } from "../client/client";
import { resolveSettings, type Platform, type Settings } from "../config";

/** The part of Pulumi's `ConfigureRequest` used here. */
export interface ConfigureRequestLike {
  readonly config: { get(key: string): string | undefined };
}

let stackConfig: ((key: string) => string | undefined) | undefined;
const clients = new Map<string, AtlasClient>();
const printedWarnings = new Set<string>();

/**
 * Stores the stack config. Call it from each resource provider's `configure`
 * (the host calls `configure` once per distinct `__provider`; all of them see
 * the same stack config).
 */
export function configure(req: ConfigureRequestLike): void {
  const config = req?.config;
  stackConfig = config ? (key) => config.get(key) : undefined;
}

/**
 * The current settings: stack config first, then environment variables (read
 * now, not at import). Each warning is printed to stderr once per process.
 * Throws `ConfigError` with a message saying what to set.
 */
export function getSettings(overrides: { platform?: Platform } = {}): Settings {
  const settings = resolveSettings(stackConfig ?? (() => undefined), process.env, overrides);
  for (const warning of settings.warnings) {
    if (printedWarnings.has(warning)) continue;
    printedWarnings.add(warning);
    process.stderr.write(`warning: pulumi-atlas-users: ${warning}\n`);
  }
  return settings;
}

/**
 * The client for the current settings. Memoized per credentials, base URL and
 * transport settings, so every resource shares one connection pool, one
 * digest challenge and one OAuth token.
 */
export function getClient(overrides: { platform?: Platform } = {}): AtlasClient {
  const settings = getSettings(overrides);
  const key = clientKey(settings);
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

/** Forgets the stack config, printed warnings and clients (closing them). */
export function resetRuntimeForTests(): Promise<void> {
  stackConfig = undefined;
  printedWarnings.clear();
  const closing = [...clients.values()].map((c) => c.close());
  clients.clear();
  return Promise.allSettled(closing).then(() => undefined);
}

/** A hash, so the map's keys hold no secret in readable form. */
function clientKey(s: Settings): string {
  const material = JSON.stringify([s.baseUrl, s.credentials, s.allowInsecureHttp, s.timeoutMs, s.retry]);
  return createHash("sha256").update(material).digest("hex");
}
