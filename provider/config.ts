/**
 * Where credentials and settings come from: the stack config (namespace
 * `mongodbatlas`, the keys the official Pulumi MongoDB Atlas provider uses, so
 * a stack can move between the two; and `atlasUsers` for this package's own
 * settings), then environment variables as MongoDB's own tools name them.
 *
 * Resolved inside the provider at run time, never in the program: whatever the
 * program captures ends up in `__provider`, in plain text in the state.
 */
import type { AtlasCredentials } from "./client/client";
import { DEFAULT_BASE_URL, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, isLoopbackHost, parseBaseUrl } from "./client/client";
import { InvalidOptionError } from "./client/errors";
import type { RetryPolicy } from "./client/retry";

import { isPlatform, PLATFORM, PLATFORMS, type Platform } from "./platform";

export { PLATFORMS, type Platform };

/** Everything the provider needs to reach the API, resolved from stack config and environment. */
export interface Settings {
  /** Server root, without trailing slash. */
  readonly baseUrl: string;
  readonly credentials: AtlasCredentials;
  readonly platform: Platform;
  readonly allowInsecureHttp: boolean;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Where the credentials came from: `stack config` or `environment`. */
  readonly credentialSource: "stack config" | "environment";
  /** Things the user should know (never containing a secret). */
  readonly warnings: readonly string[];
}

/** Stack config keys. */
export const CONFIG_KEYS = {
  publicKey: "mongodbatlas:publicKey",
  privateKey: "mongodbatlas:privateKey",
  clientId: "mongodbatlas:clientId",
  clientSecret: "mongodbatlas:clientSecret",
  baseUrl: "mongodbatlas:baseUrl",
  platform: "atlasUsers:platform",
  allowInsecureHttp: "atlasUsers:allowInsecureHttp",
  requestTimeoutMs: "atlasUsers:requestTimeoutMs",
  maxRetries: "atlasUsers:maxRetries",
  retryTimeoutMs: "atlasUsers:retryTimeoutMs",
} as const;

export type SettingName = keyof typeof CONFIG_KEYS;

/** The config key of each setting. */
export type ConfigKeys = Readonly<Record<SettingName, string>>;

/**
 * The provider plugin's config keys (`pulumi-resource-atlas-users`): the engine
 * sends a provider plugin only its own package's namespace, so each setting is
 * `atlas-users:<name>`, with the names of {@link CONFIG_KEYS}.
 */
export const PLUGIN_CONFIG_KEYS: ConfigKeys = Object.fromEntries(
  Object.keys(CONFIG_KEYS).map((name) => [name, `atlas-users:${name}`]),
) as Record<SettingName, string>;

/** Environment variables, first match wins, read when the stack config leaves a setting unset. */
export const ENV_VARS: Readonly<Record<SettingName, readonly string[]>> = {
  publicKey: ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PUBLIC_API_KEY", "MCLI_PUBLIC_API_KEY"],
  privateKey: ["MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY", "MCLI_PRIVATE_API_KEY"],
  clientId: ["MONGODB_ATLAS_CLIENT_ID"],
  clientSecret: ["MONGODB_ATLAS_CLIENT_SECRET"],
  baseUrl: ["MONGODB_ATLAS_BASE_URL", "MCLI_OPS_MANAGER_URL"],
  platform: ["ATLAS_USERS_PLATFORM"],
  allowInsecureHttp: ["ATLAS_USERS_ALLOW_INSECURE_HTTP"],
  requestTimeoutMs: ["ATLAS_USERS_REQUEST_TIMEOUT_MS"],
  maxRetries: ["ATLAS_USERS_MAX_RETRIES"],
  retryTimeoutMs: ["ATLAS_USERS_RETRY_TIMEOUT_MS"],
};

/** A setting is missing or wrong. `key` names the config key or environment variable at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "ATLAS_USERS_CONFIG";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

interface Found {
  readonly value: string;
  /** The config key or environment variable it came from. */
  readonly source: string;
}

const CREDENTIAL_SETTINGS = ["clientId", "clientSecret", "publicKey", "privateKey"] as const;

const howToSetCredentials = (keys: ConfigKeys) =>
  `Set a service account (recommended): \`pulumi config set ${keys.clientId} <id>\` and ` +
  `\`pulumi config set --secret ${keys.clientSecret} <secret>\`, or an API key: ` +
  `\`pulumi config set ${keys.publicKey} <key>\` and \`pulumi config set --secret ${keys.privateKey} <key>\`; ` +
  "or the environment variables MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET, " +
  "or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY";

/**
 * Resolves the settings: each from the stack config first, then from the
 * environment. Credentials are taken as a whole from one place: if the stack
 * config holds any credential key, environment credentials are ignored.
 * Throws {@link ConfigError} naming the key and saying how to fix it.
 * `keys` are the config keys to read (and to name in errors): the dynamic
 * provider's stack keys, or the plugin's {@link PLUGIN_CONFIG_KEYS}.
 */
export function resolveSettings(
  stackConfig: (key: string) => string | undefined,
  env: NodeJS.ProcessEnv,
  overrides: { platform?: Platform | string } = {},
  keys: ConfigKeys = CONFIG_KEYS,
): Settings {
  const warnings: string[] = [];
  const fromStack = (name: SettingName): Found | undefined => {
    const value = clean(stackConfig(keys[name]));
    return value === undefined ? undefined : { value, source: keys[name] };
  };
  const fromEnv = (name: SettingName): Found | undefined => {
    let found: Found | undefined;
    for (const variable of ENV_VARS[name]) {
      const value = clean(env[variable]);
      if (value === undefined) continue;
      if (!found) found = { value, source: variable };
      else if (found.value !== value) {
        warnings.push(`${found.source} and ${variable} are both set to different values; using ${found.source}.`);
      }
    }
    return found;
  };
  const lookup = (name: SettingName): Found | undefined => fromStack(name) ?? fromEnv(name);

  // Platform
  let platform: Platform = "atlas";
  if (overrides.platform !== undefined) {
    platform = parsePlatform({ value: overrides.platform, source: "platform" });
  } else {
    const found = lookup("platform");
    if (found) platform = parsePlatform(found);
  }

  // Credentials, all from the stack config or all from the environment.
  const stackHasCredentials = CREDENTIAL_SETTINGS.some((name) => fromStack(name) !== undefined);
  const pick = stackHasCredentials ? fromStack : fromEnv;
  const credentialSource = stackHasCredentials ? "stack config" : "environment";
  const fromStackKeys = stackHasCredentials ? keys : undefined;
  const serviceAccount = pair(pick("clientId"), pick("clientSecret"), "clientId", "clientSecret", fromStackKeys);
  const apiKey = pair(pick("publicKey"), pick("privateKey"), "publicKey", "privateKey", fromStackKeys);
  if (stackHasCredentials) {
    const ignored = CREDENTIAL_SETTINGS.flatMap((name) => ENV_VARS[name].filter((v) => clean(env[v]) !== undefined));
    if (ignored.length > 0) {
      warnings.push(
        `The stack config holds credentials, so the environment's ${ignored.join(", ")} ${ignored.length === 1 ? "is" : "are"} ignored. ` +
          "Remove the credentials from one of the two places to silence this warning.",
      );
    }
  }
  let credentials: AtlasCredentials;
  if (serviceAccount) {
    credentials = { kind: "serviceAccount", clientId: serviceAccount[0].value, clientSecret: serviceAccount[1].value };
    if (apiKey) {
      warnings.push(
        `Both a service account (${serviceAccount[0].source}) and an API key (${apiKey[0].source}) are configured; ` +
          "using the service account. Remove one of them to silence this warning.",
      );
    }
  } else if (apiKey) {
    credentials = { kind: "apiKey", publicKey: apiKey[0].value, privateKey: apiKey[1].value };
  } else {
    throw new ConfigError("credentials", `No MongoDB Atlas credentials found. ${howToSetCredentials(keys)}.`);
  }

  // Transport settings
  const allowInsecure = lookup("allowInsecureHttp");
  const allowInsecureHttp = allowInsecure ? parseBoolean(allowInsecure) : false;
  const requestTimeout = lookup("requestTimeoutMs");
  const timeoutMs = requestTimeout ? parseInteger(requestTimeout, 1, 3_600_000) : DEFAULT_TIMEOUT_MS;
  const maxRetriesFound = lookup("maxRetries");
  const maxRetries = maxRetriesFound ? parseInteger(maxRetriesFound, 0, 20) : DEFAULT_RETRY.maxAttempts - 1;
  const retryTimeout = lookup("retryTimeoutMs");
  const maxElapsedMs = retryTimeout ? parseInteger(retryTimeout, 0, 3_600_000) : DEFAULT_RETRY.maxElapsedMs;

  // Base URL
  const base = lookup("baseUrl");
  if (!base && PLATFORM[platform].requiresBaseUrl) {
    throw new ConfigError(
      keys.baseUrl,
      `${PLATFORM[platform].title} has no default URL: set \`pulumi config set ${keys.baseUrl} https://<your ${PLATFORM[platform].title} host>\` ` +
        "(or the environment variable MONGODB_ATLAS_BASE_URL).",
    );
  }
  const rawBaseUrl = base?.value ?? DEFAULT_BASE_URL;
  let baseUrl: string;
  try {
    const { origin, basePath } = parseBaseUrl(rawBaseUrl, allowInsecureHttp, base?.source ?? "baseUrl");
    baseUrl = origin + basePath;
    const url = new URL(baseUrl);
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      warnings.push(
        `${base?.source ?? "baseUrl"} uses plain http:// to ${url.hostname} (allowed by ${allowInsecure?.source}): ` +
          "credentials and passwords travel unencrypted.",
      );
    }
  } catch (err) {
    if (err instanceof InvalidOptionError) throw new ConfigError(base?.source ?? "baseUrl", err.message);
    throw err;
  }

  return {
    baseUrl,
    credentials,
    platform,
    allowInsecureHttp,
    timeoutMs,
    retry: { ...DEFAULT_RETRY, maxAttempts: maxRetries + 1, maxElapsedMs },
    credentialSource,
    warnings,
  };
}

/** Trimmed string, or undefined for unset/blank. Stack config values may arrive typed (numbers, booleans). */
function clean(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  const trimmed = s.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Both halves of a credential pair, or neither; half a pair is an error naming the missing half (its key, when from the stack config). */
function pair(
  first: Found | undefined,
  second: Found | undefined,
  firstName: SettingName,
  secondName: SettingName,
  stackKeys: ConfigKeys | undefined,
): [Found, Found] | undefined {
  if (first && second) return [first, second];
  if (!first && !second) return undefined;
  const present = (first ?? second) as Found;
  const missingName = first ? secondName : firstName;
  if (stackKeys) {
    const key = stackKeys[missingName];
    throw new ConfigError(
      key,
      `${present.source} is set but ${key} is not: set it with ` +
        `\`pulumi config set${isSecret(missingName) ? " --secret" : ""} ${key} <value>\`, or remove ${present.source} ` +
        "(credentials are never combined from the stack config and environment variables).",
    );
  }
  const [variable, ...aliases] = ENV_VARS[missingName];
  const missing = aliases.length > 0 ? `${variable} (or ${aliases.join(" / ")})` : variable;
  throw new ConfigError(variable, `${present.source} is set but ${missing} is not: set ${variable}, or unset ${present.source}.`);
}

function isSecret(name: SettingName): boolean {
  return name === "privateKey" || name === "clientSecret";
}

function parsePlatform(found: { value: string; source: string }): Platform {
  const value = found.value.trim().toLowerCase();
  if (isPlatform(value)) return value;
  throw new ConfigError(
    found.source,
    `${found.source} is ${JSON.stringify(found.value)}; it must be one of ${PLATFORMS.map((p) => `"${p}"`).join(", ")}.`,
  );
}

function parseBoolean(found: Found): boolean {
  const value = found.value.toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ConfigError(found.source, `${found.source} is ${JSON.stringify(found.value)}; it must be true or false.`);
}

function parseInteger(found: Found, min: number, max: number): number {
  const n = /^\d+$/.test(found.value) ? Number(found.value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(
      found.source,
      `${found.source} is ${JSON.stringify(found.value)}; it must be a whole number from ${min} to ${max}.`,
    );
  }
  return n;
}
