import { ConfigError, resolveSettings, type Settings } from "../provider/config";

type Map = Record<string, string | undefined>;
const resolve = (stack: Map, env: Map = {}, overrides: { platform?: string } = {}): Settings =>
  resolveSettings((key) => stack[key], env as NodeJS.ProcessEnv, overrides);
/** The ConfigError `resolve` throws. */
const failure = (stack: Map, env: Map = {}, overrides: { platform?: string } = {}): ConfigError => {
  try {
    resolve(stack, env, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
};

const stackKey = { "mongodbatlas:publicKey": "stack-pub", "mongodbatlas:privateKey": "stack-priv" };
const stackSa = { "mongodbatlas:clientId": "stack-id", "mongodbatlas:clientSecret": "stack-secret" };
const envKey = { MONGODB_ATLAS_PUBLIC_KEY: "env-pub", MONGODB_ATLAS_PRIVATE_KEY: "env-priv" };
const envSa = { MONGODB_ATLAS_CLIENT_ID: "env-id", MONGODB_ATLAS_CLIENT_SECRET: "env-secret" };

describe("credentials", () => {
  test("API key from the stack config", () => {
    const s = resolve(stackKey);
    expect(s.credentials).toEqual({ kind: "apiKey", publicKey: "stack-pub", privateKey: "stack-priv" });
    expect(s.credentialSource).toBe("stack config");
    expect(s.warnings).toEqual([]);
  });

  test("service account from the stack config", () => {
    expect(resolve(stackSa).credentials).toEqual({ kind: "serviceAccount", clientId: "stack-id", clientSecret: "stack-secret" });
  });

  test("environment variables when the stack config has no credentials", () => {
    const s = resolve({}, envKey);
    expect(s.credentials).toEqual({ kind: "apiKey", publicKey: "env-pub", privateKey: "env-priv" });
    expect(s.credentialSource).toBe("environment");
    expect(resolve({}, envSa).credentials).toEqual({ kind: "serviceAccount", clientId: "env-id", clientSecret: "env-secret" });
  });

  test("the stack config wins over the environment, as a whole", () => {
    expect(resolve(stackKey, envSa).credentials).toEqual({ kind: "apiKey", publicKey: "stack-pub", privateKey: "stack-priv" });
    expect(resolve(stackSa, envKey).credentials).toMatchObject({ kind: "serviceAccount", clientId: "stack-id" });
    expect(resolve(stackKey, {}).warnings).toEqual([]);
  });

  test("credentials in the environment that the stack config overrides are named in a warning (names, never values)", () => {
    const s = resolve(stackKey, envSa);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET are ignored/);
    for (const value of Object.values(envSa)) expect(s.warnings[0]).not.toContain(value);
    expect(resolve(stackSa, { MCLI_PRIVATE_API_KEY: "x-priv" }).warnings[0]).toMatch(/environment's MCLI_PRIVATE_API_KEY is ignored/);
  });

  test.each([
    [["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"]],
    [["MCLI_PUBLIC_API_KEY", "MCLI_PRIVATE_API_KEY"]],
    [["MONGODB_ATLAS_PUBLIC_KEY", "MCLI_PRIVATE_API_KEY"]],
  ])("API key aliases %j", ([pub, priv]) => {
    expect(resolve({}, { [pub]: "p", [priv]: "k" }).credentials).toEqual({ kind: "apiKey", publicKey: "p", privateKey: "k" });
  });

  test("alias order: MONGODB_ATLAS_* first; differing aliases give a warning naming both (no values)", () => {
    const s = resolve({}, { ...envKey, MCLI_PUBLIC_API_KEY: "mcli-pub", MONGODB_ATLAS_PUBLIC_API_KEY: "env-pub" });
    expect(s.credentials).toMatchObject({ publicKey: "env-pub" });
    expect(s.warnings).toEqual(["MONGODB_ATLAS_PUBLIC_KEY and MCLI_PUBLIC_API_KEY are both set to different values; using MONGODB_ATLAS_PUBLIC_KEY."]);
  });

  test("both kinds → service account, with a warning that holds no secret", () => {
    const s = resolve({ ...stackKey, ...stackSa });
    expect(s.credentials.kind).toBe("serviceAccount");
    expect(s.warnings).toEqual([
      "Both a service account (mongodbatlas:clientId) and an API key (mongodbatlas:publicKey) are configured; using the service account. Remove one of them to silence this warning.",
    ]);
    const e = resolve({}, { ...envKey, ...envSa });
    expect(e.credentials.kind).toBe("serviceAccount");
    expect(e.warnings[0]).toContain("(MONGODB_ATLAS_CLIENT_ID) and an API key (MONGODB_ATLAS_PUBLIC_KEY)");
    for (const w of [...s.warnings, ...e.warnings]) {
      for (const secret of ["stack-priv", "stack-secret", "env-priv", "env-secret", "stack-pub", "stack-id"]) expect(w).not.toContain(secret);
    }
  });

  test("blank values count as unset; values are trimmed", () => {
    expect(resolve({ "mongodbatlas:publicKey": "  ", ...stackSa }).credentials.kind).toBe("serviceAccount");
    expect(resolve({ "mongodbatlas:publicKey": " p \n", "mongodbatlas:privateKey": "k\n" }).credentials).toMatchObject({ publicKey: "p", privateKey: "k" });
  });

  test("typed stack config values (numbers/booleans from YAML) are accepted", () => {
    const typed = { ...stackKey, "atlasUsers:maxRetries": 2 as unknown as string, "atlasUsers:allowInsecureHttp": true as unknown as string };
    const s = resolve(typed);
    expect(s.retry.maxAttempts).toBe(3);
    expect(s.allowInsecureHttp).toBe(true);
  });
});

describe("credential errors", () => {
  test("no credentials at all says how to set them", () => {
    const err = failure({});
    expect(err.key).toBe("credentials");
    expect(err.message).toBe(
      "No MongoDB Atlas credentials found. Set a service account (recommended): `pulumi config set mongodbatlas:clientId <id>` and " +
        "`pulumi config set --secret mongodbatlas:clientSecret <secret>`, or an API key: `pulumi config set mongodbatlas:publicKey <key>` and " +
        "`pulumi config set --secret mongodbatlas:privateKey <key>`; or the environment variables MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET, " +
        "or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY.",
    );
  });

  test.each([
    [{ "mongodbatlas:publicKey": "p" }, "mongodbatlas:privateKey", "mongodbatlas:publicKey is set but mongodbatlas:privateKey is not: set it with `pulumi config set --secret mongodbatlas:privateKey <value>`, or remove mongodbatlas:publicKey (credentials are never combined from the stack config and environment variables)."],
    [{ "mongodbatlas:privateKey": "k" }, "mongodbatlas:publicKey", "mongodbatlas:privateKey is set but mongodbatlas:publicKey is not: set it with `pulumi config set mongodbatlas:publicKey <value>`, or remove mongodbatlas:privateKey (credentials are never combined from the stack config and environment variables)."],
    [{ "mongodbatlas:clientId": "i" }, "mongodbatlas:clientSecret", "mongodbatlas:clientId is set but mongodbatlas:clientSecret is not: set it with `pulumi config set --secret mongodbatlas:clientSecret <value>`, or remove mongodbatlas:clientId (credentials are never combined from the stack config and environment variables)."],
    [{ "mongodbatlas:clientSecret": "s" }, "mongodbatlas:clientId", "mongodbatlas:clientSecret is set but mongodbatlas:clientId is not: set it with `pulumi config set mongodbatlas:clientId <value>`, or remove mongodbatlas:clientSecret (credentials are never combined from the stack config and environment variables)."],
  ])("half a pair in the stack config: %j", (stack, key, message) => {
    const err = failure(stack, envKey); // complete env credentials do not fill the gap
    expect(err.key).toBe(key);
    expect(err.message).toBe(message);
  });

  test("half a pair even when the other kind is complete", () => {
    expect(failure({ ...stackSa, "mongodbatlas:publicKey": "p" }).key).toBe("mongodbatlas:privateKey");
  });

  test.each([
    [{ MONGODB_ATLAS_PUBLIC_KEY: "p" }, "MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_PUBLIC_KEY is set but MONGODB_ATLAS_PRIVATE_KEY (or MONGODB_ATLAS_PRIVATE_API_KEY / MCLI_PRIVATE_API_KEY) is not: set MONGODB_ATLAS_PRIVATE_KEY, or unset MONGODB_ATLAS_PUBLIC_KEY."],
    [{ MCLI_PRIVATE_API_KEY: "k" }, "MONGODB_ATLAS_PUBLIC_KEY", "MCLI_PRIVATE_API_KEY is set but MONGODB_ATLAS_PUBLIC_KEY (or MONGODB_ATLAS_PUBLIC_API_KEY / MCLI_PUBLIC_API_KEY) is not: set MONGODB_ATLAS_PUBLIC_KEY, or unset MCLI_PRIVATE_API_KEY."],
    [{ MONGODB_ATLAS_CLIENT_ID: "i" }, "MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_CLIENT_ID is set but MONGODB_ATLAS_CLIENT_SECRET is not: set MONGODB_ATLAS_CLIENT_SECRET, or unset MONGODB_ATLAS_CLIENT_ID."],
    [{ MONGODB_ATLAS_CLIENT_SECRET: "s" }, "MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET is set but MONGODB_ATLAS_CLIENT_ID is not: set MONGODB_ATLAS_CLIENT_ID, or unset MONGODB_ATLAS_CLIENT_SECRET."],
  ])("half a pair in the environment: %j", (env, key, message) => {
    const err = failure({}, env);
    expect(err.key).toBe(key);
    expect(err.message).toBe(message);
  });

  test("errors never contain a secret value", () => {
    const err = failure({ "mongodbatlas:privateKey": "very-secret-private-key" });
    expect(err.message).not.toContain("very-secret-private-key");
    expect(JSON.stringify(err)).not.toContain("very-secret-private-key");
  });
});

describe("base URL and platform", () => {
  test("default https://cloud.mongodb.com; stack config, then MONGODB_ATLAS_BASE_URL, then MCLI_OPS_MANAGER_URL", () => {
    expect(resolve(stackKey).baseUrl).toBe("https://cloud.mongodb.com");
    expect(resolve(stackKey, { MCLI_OPS_MANAGER_URL: "https://om.example.com:8443/" }).baseUrl).toBe("https://om.example.com:8443");
    expect(resolve(stackKey, { MCLI_OPS_MANAGER_URL: "https://om.example.com", MONGODB_ATLAS_BASE_URL: "https://b.example.com" }).baseUrl).toBe(
      "https://b.example.com",
    );
    expect(resolve({ ...stackKey, "mongodbatlas:baseUrl": "https://s.example.com" }, { MONGODB_ATLAS_BASE_URL: "https://b.example.com" }).baseUrl).toBe(
      "https://s.example.com",
    );
  });

  test("plain http:// only to loopback unless atlasUsers:allowInsecureHttp (which warns)", () => {
    expect(resolve({ ...stackKey, "mongodbatlas:baseUrl": "http://127.0.0.1:4000" }).baseUrl).toBe("http://127.0.0.1:4000");
    const err = failure({ ...stackKey, "mongodbatlas:baseUrl": "http://om.corp:8080" });
    expect(err.key).toBe("mongodbatlas:baseUrl");
    expect(err.message).toBe(
      'Invalid mongodbatlas:baseUrl: "http://om.corp:8080" uses plain http:// to a non-loopback host, which would send credentials unencrypted; use https://, or set atlasUsers:allowInsecureHttp to true if you really mean it',
    );
    expect(failure(stackKey, { MONGODB_ATLAS_BASE_URL: "http://om.corp" }).key).toBe("MONGODB_ATLAS_BASE_URL");
    const s = resolve({ ...stackKey, "mongodbatlas:baseUrl": "http://om.corp:8080", "atlasUsers:allowInsecureHttp": "true" });
    expect(s.allowInsecureHttp).toBe(true);
    expect(s.warnings).toEqual([
      "mongodbatlas:baseUrl uses plain http:// to om.corp (allowed by atlasUsers:allowInsecureHttp): credentials and passwords travel unencrypted.",
    ]);
    expect(resolve({ ...stackKey, "mongodbatlas:baseUrl": "http://om.corp" }, { ATLAS_USERS_ALLOW_INSECURE_HTTP: "TRUE" }).allowInsecureHttp).toBe(true);
  });

  test("a malformed base URL names its source", () => {
    const err = failure({ ...stackKey, "mongodbatlas:baseUrl": "cloud.mongodb.com" });
    expect(err.key).toBe("mongodbatlas:baseUrl");
    expect(err.message).toContain('Invalid mongodbatlas:baseUrl: "cloud.mongodb.com" is not an absolute URL');
  });

  test("platform: default atlas; stack config over ATLAS_USERS_PLATFORM; per-resource override over both", () => {
    expect(resolve(stackKey).platform).toBe("atlas");
    expect(resolve(stackKey, { ATLAS_USERS_PLATFORM: "cloud-manager" }).platform).toBe("cloud-manager");
    expect(resolve({ ...stackKey, "atlasUsers:platform": "atlas-v1" }, { ATLAS_USERS_PLATFORM: "cloud-manager" }).platform).toBe("atlas-v1");
    expect(resolve({ ...stackKey, "atlasUsers:platform": "atlas-v1" }, {}, { platform: "cloud-manager" }).platform).toBe("cloud-manager");
  });

  test("an unknown platform lists the valid ones", () => {
    const err = failure({ ...stackKey, "atlasUsers:platform": "opsmanager" });
    expect(err.key).toBe("atlasUsers:platform");
    expect(err.message).toBe('atlasUsers:platform is "opsmanager"; it must be one of "atlas", "atlas-v1", "cloud-manager", "ops-manager".');
    expect(failure(stackKey, { ATLAS_USERS_PLATFORM: "x" }).key).toBe("ATLAS_USERS_PLATFORM");
    expect(failure(stackKey, {}, { platform: "x" }).message).toContain('platform is "x"; it must be one of');
  });

  test("Ops Manager needs a base URL", () => {
    const err = failure({ ...stackKey, "atlasUsers:platform": "ops-manager" });
    expect(err.key).toBe("mongodbatlas:baseUrl");
    expect(err.message).toBe(
      "Ops Manager has no default URL: set `pulumi config set mongodbatlas:baseUrl https://<your Ops Manager host>` (or the environment variable MONGODB_ATLAS_BASE_URL).",
    );
    expect(resolve({ ...stackKey, "atlasUsers:platform": "ops-manager" }, { MCLI_OPS_MANAGER_URL: "https://om.example.com" }).baseUrl).toBe(
      "https://om.example.com",
    );
  });
});

describe("timeouts and retries", () => {
  test("defaults", () => {
    const s = resolve(stackKey);
    expect(s.timeoutMs).toBe(30_000);
    expect(s.retry).toEqual({ maxAttempts: 5, maxElapsedMs: 120_000, baseDelayMs: 500, maxDelayMs: 20_000 });
    expect(s.allowInsecureHttp).toBe(false);
  });

  test("stack config over environment", () => {
    const s = resolve(
      { ...stackKey, "atlasUsers:requestTimeoutMs": "5000", "atlasUsers:maxRetries": "0" },
      { ATLAS_USERS_REQUEST_TIMEOUT_MS: "7000", ATLAS_USERS_MAX_RETRIES: "9", ATLAS_USERS_RETRY_TIMEOUT_MS: "1000" },
    );
    expect(s.timeoutMs).toBe(5000);
    expect(s.retry.maxAttempts).toBe(1);
    expect(s.retry.maxElapsedMs).toBe(1000);
  });

  test.each([
    ["atlasUsers:requestTimeoutMs", "0", 'atlasUsers:requestTimeoutMs is "0"; it must be a whole number from 1 to 3600000.'],
    ["atlasUsers:requestTimeoutMs", "30s", 'atlasUsers:requestTimeoutMs is "30s"; it must be a whole number from 1 to 3600000.'],
    ["atlasUsers:maxRetries", "-1", 'atlasUsers:maxRetries is "-1"; it must be a whole number from 0 to 20.'],
    ["atlasUsers:maxRetries", "21", 'atlasUsers:maxRetries is "21"; it must be a whole number from 0 to 20.'],
    ["atlasUsers:retryTimeoutMs", "1.5", 'atlasUsers:retryTimeoutMs is "1.5"; it must be a whole number from 0 to 3600000.'],
    ["atlasUsers:allowInsecureHttp", "yes", 'atlasUsers:allowInsecureHttp is "yes"; it must be true or false.'],
  ])("%s = %s is refused", (key, value, message) => {
    const err = failure({ ...stackKey, [key]: value });
    expect(err.key).toBe(key);
    expect(err.message).toBe(message);
  });

  test("bad environment values name the variable", () => {
    expect(failure(stackKey, { ATLAS_USERS_MAX_RETRIES: "many" }).message).toBe('ATLAS_USERS_MAX_RETRIES is "many"; it must be a whole number from 0 to 20.');
  });
});
