import { Config } from "@pulumi/pulumi/cmd/dynamic-provider/config";
import { ConfigError, ENV_VARS } from "../provider/config";
import { resetContextsForTests as resetRuntimeForTests, runContext, type ConfigureRequestLike, type RunContext } from "../provider/context";
import type { Platform } from "../provider/platform";
import { startDigestServer } from "./support/httpServer";

/** The context the last `configure` built, as each provider keeps it. */
let current: RunContext | undefined;
const configure = (req: ConfigureRequestLike) => void (current = runContext(req));
const context = () => (current ??= runContext());
const getSettings = (o: { platform?: Platform } = {}) => context().settings(o.platform);
const getClient = (o: { platform?: Platform } = {}) => context().client(o.platform);

/** The stack config as the dynamic-provider host hands it to `configure`: its own Config class over the raw map. */
const hostConfig = (raw: Record<string, string>) => ({ config: new Config(raw, "some-project") });

const ALL_ENV = Object.values(ENV_VARS).flat();
let savedEnv: Record<string, string | undefined>;

beforeEach(async () => {
  current = undefined;
  savedEnv = Object.fromEntries(ALL_ENV.map((k) => [k, process.env[k]]));
  for (const k of ALL_ENV) delete process.env[k];
  await resetRuntimeForTests();
});
afterEach(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  jest.restoreAllMocks();
  await resetRuntimeForTests();
});

test("configure() takes the stack config in the form the dynamic-provider host passes it", () => {
  configure(hostConfig({ "mongodbatlas:publicKey": "pub", "mongodbatlas:privateKey": "priv", "atlasUsers:platform": "cloud-manager" }));
  const s = getSettings();
  expect(s.credentials).toEqual({ kind: "apiKey", publicKey: "pub", privateKey: "priv" });
  expect(s.platform).toBe("cloud-manager");
  expect(s.credentialSource).toBe("stack config");
});

test("environment variables are read when configure builds the context, not at import time", () => {
  configure(hostConfig({}));
  expect(() => getSettings()).toThrow(ConfigError);
  process.env.MONGODB_ATLAS_CLIENT_ID = "id";
  process.env.MONGODB_ATLAS_CLIENT_SECRET = "secret";
  // The run's context is built once: a later change of the environment is not seen by it...
  expect(() => getSettings()).toThrow(ConfigError);
  // ...but the next run (the next configure) sees it.
  configure(hostConfig({}));
  expect(getSettings().credentials).toEqual({ kind: "serviceAccount", clientId: "id", clientSecret: "secret" });
});

test("providers configured with the same stack config share one context; settings are resolved once per platform", () => {
  const raw = { "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "k" };
  const a = runContext(hostConfig(raw));
  const b = runContext(hostConfig({ ...raw }));
  expect(b).toBe(a);
  expect(a.settings()).toBe(a.settings());
  expect(a.settings("cloud-manager")).toBe(a.settings("cloud-manager"));
  expect(runContext(hostConfig({ ...raw, "mongodbatlas:privateKey": "other" }))).not.toBe(a);
});

test("without configure() (older engines) the environment still works", () => {
  process.env.MONGODB_ATLAS_PUBLIC_KEY = "p";
  process.env.MONGODB_ATLAS_PRIVATE_KEY = "k";
  expect(getSettings().credentials.kind).toBe("apiKey");
});

test("the platform override wins over the stack setting", () => {
  configure(hostConfig({ "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "k", "atlasUsers:platform": "atlas" }));
  expect(getSettings({ platform: "cloud-manager" }).platform).toBe("cloud-manager");
});

test("each warning is printed to stderr once, with a prefix and no secret", () => {
  const writes: string[] = [];
  jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  configure(
    hostConfig({
      "mongodbatlas:publicKey": "pub",
      "mongodbatlas:privateKey": "priv-secret-value",
      "mongodbatlas:clientId": "cid",
      "mongodbatlas:clientSecret": "client-secret-value",
    }),
  );
  getSettings();
  getSettings();
  getClient();
  expect(writes).toEqual([
    "warning: pulumi-atlas-users: Both a service account (mongodbatlas:clientId) and an API key (mongodbatlas:publicKey) are configured; using the service account. Remove one of them to silence this warning.\n",
  ]);
  expect(writes.join("")).not.toMatch(/priv-secret-value|client-secret-value/);
});

test("getClient is memoized per credentials and base URL, so resources share one digest challenge", async () => {
  const server = await startDigestServer({ username: "pub", password: "priv" });
  try {
    configure(hostConfig({ "mongodbatlas:publicKey": "pub", "mongodbatlas:privateKey": "priv", "mongodbatlas:baseUrl": server.url }));
    const a = getClient();
    const b = getClient({ platform: "cloud-manager" }); // platform does not change the connection
    expect(b).toBe(a);
    await a.send({ method: "GET", path: "/one", version: null });
    await b.send({ method: "GET", path: "/two", version: null });
    await getClient().send({ method: "GET", path: "/three", version: null });
    expect(server.stats).toMatchObject({ challenged: 1, authenticated: 3 });
    expect(server.requests).toHaveLength(4);

    // Other credentials: another client.
    configure(hostConfig({ "mongodbatlas:publicKey": "pub2", "mongodbatlas:privateKey": "priv", "mongodbatlas:baseUrl": server.url }));
    expect(getClient()).not.toBe(a);
  } finally {
    await resetRuntimeForTests();
    await server.close();
  }
});

test("a configuration error surfaces from getClient before any request", () => {
  configure(hostConfig({ "mongodbatlas:publicKey": "p" }));
  expect(() => getClient()).toThrow("mongodbatlas:publicKey is set but mongodbatlas:privateKey is not");
});
