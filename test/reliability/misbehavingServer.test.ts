/**
 * The provider against a server (or a proxy in front of it) that answers
 * badly: HTML error pages, plain-text and truncated error bodies, JSON under
 * the wrong content type, huge bodies, and 2xx answers that are not the
 * object asked for. Each ends in one clear error that names the user, the
 * request and the status, with a short excerpt and no secret; never a
 * `TypeError`, never a hang. And credentials never go out over plain http to
 * a non-loopback host.
 */
import * as http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import { resetContextsForTests as resetRuntimeForTests } from "../../provider/context";
import { CONFIG_KEYS } from "../../provider/config";
import { provider as databaseUserProvider } from "../../provider/databaseUser/provider";
import { emulatorControl, startTestEmulator, type EmulatorHandle, type FaultRule } from "../support/emulator";
import { assertNoSecrets } from "../support/engine";
import { configureForEmulator } from "../support/provider";

jest.setTimeout(60_000);

const PASSWORD = "misbehaving-server-password-7Tq";
let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startTestEmulator();
  await configureForEmulator(databaseUserProvider, emu, { extra: { [CONFIG_KEYS.requestTimeoutMs]: "5000" } });
});

afterAll(async () => {
  await resetRuntimeForTests();
  await emu?.close();
});

afterEach(async () => {
  await emulatorControl.clearFaults(emu);
});

const inputs = async (username: string) => {
  const checked = await databaseUserProvider.check({}, {
    projectId: emu.projectId,
    username,
    password: PASSWORD,
    roles: [{ roleName: "read", databaseName: "app" }],
  });
  expect(checked.failures ?? []).toEqual([]);
  return checked.inputs as never;
};

async function errorOf(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

function expectClear(err: Error, pattern: RegExp): void {
  expect(err).not.toBeInstanceOf(TypeError);
  expect(err.message).toMatch(pattern);
  // One readable paragraph: no markup, no wall of bytes.
  expect(err.message.length).toBeLessThan(1500);
  expect(err.message).not.toMatch(/<\/?(html|body|head|script)/i);
  assertNoSecrets(err.message + JSON.stringify(err), [PASSWORD, emu.privateKey]);
}

/** Every create gets the bad answer (a 5xx is read back and sent once more, and meets it again). */
const onCreate = (rule: Omit<FaultRule, "method" | "path">): FaultRule => ({ method: "POST", path: "/databaseUsers$", ...rule });
const onRead = (rule: Omit<FaultRule, "method" | "path">): FaultRule => ({ method: "GET", path: "/databaseUsers/admin/", ...rule });

describe("bad error answers on a create (each is the final answer; after a 5xx the provider reads back and sends once more)", () => {
  const cases: [string, Omit<FaultRule, "method" | "path">, RegExp][] = [
    [
      "an HTML 502 page from a proxy",
      { status: 502, contentType: "text/html", body: "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>b{}</style></head><body><h1>502</h1><script>x()</script></body></html>" },
      /creating database user bad-1 .*POST \/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/databaseUsers: HTTP 502: unexpected answer \(text\/html\): 502 Bad Gateway/,
    ],
    [
      "a plain-text 503",
      { status: 503, contentType: "text/plain", body: "upstream connect error or disconnect/reset before headers" },
      /creating database user bad-1 .*HTTP 503: unexpected answer \(text\/plain\): upstream connect error/,
    ],
    [
      "a truncated JSON error body",
      { status: 409, contentType: "application/json", body: '{"error":409,"errorCode":"USER_ALREA' },
      /creating database user bad-1 .*HTTP 409: unexpected answer \(application\/json\): \{"error":409,"errorCode":"USER_ALREA/,
    ],
    [
      "Atlas JSON under a wrong content type",
      { status: 400, contentType: "text/html; charset=utf-8", body: JSON.stringify({ error: 400, errorCode: "INVALID_ATTRIBUTE", detail: "Invalid attribute roles." }) },
      /creating database user bad-1 .*HTTP 400 INVALID_ATTRIBUTE: Invalid attribute roles\./,
    ],
    [
      "a huge error body (900 KB)",
      { status: 500, contentType: "text/plain", body: "E".repeat(900_000) },
      /creating database user bad-1 .*HTTP 500: unexpected answer \(text\/plain, cut off\): E{10,}…/,
    ],
    [
      "binary garbage",
      { status: 500, contentType: "application/octet-stream", body: "\u0000\u0001\u00ff\ufffd\u0007garbage\u0000" },
      /creating database user bad-1 .*HTTP 500: unexpected answer \(application\/octet-stream\): .*garbage/,
    ],
    [
      "a 201 that is not JSON",
      { status: 201, contentType: "application/vnd.atlas.2023-01-01+json", body: "Created" },
      /creating database user bad-1 .*HTTP 201: the answer is not JSON .*Created/,
    ],
  ];

  test.each(cases)("%s", async (_name, rule, pattern) => {
    await emulatorControl.setFaults(emu, [onCreate(rule)]);
    await emulatorControl.clearRequests(emu);
    const err = await errorOf(async () => databaseUserProvider.create(await inputs("bad-1")));
    expectClear(err, pattern);
    const posts = (await emulatorControl.requests(emu)).filter((r) => r.method === "POST" && r.path.endsWith("/databaseUsers") && r.auth !== "digest-challenge");
    expect(posts).toHaveLength((rule.status ?? 0) >= 500 ? 2 : 1);
    // The answer was an error: nothing was created behind the user's back.
    const state = (await emulatorControl.state(emu)) as { databaseUsers: unknown[] };
    expect(state.databaseUsers).toEqual([]);
  });
});

describe("2xx answers that are not the object asked for, on a read", () => {
  const cases: [string, string][] = [
    ["an empty 200", ""],
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["a JSON string", '"ok"'],
    ["an object without the user's fields", '{"status":"ok"}'],
  ];

  test.each(cases)("%s: a clear error naming the request, never a TypeError or garbage in state", async (_name, body) => {
    await emulatorControl.seed(emu, { databaseUsers: [{ groupId: emu.projectId, username: "read-me", roles: [{ roleName: "read", databaseName: "app" }] }] });
    try {
      await emulatorControl.setFaults(emu, [onRead({ status: 200, contentType: "application/vnd.atlas.2023-01-01+json", body })]);
      const err = await errorOf(() => databaseUserProvider.read(`${emu.projectId}/admin/read-me`, {} as never));
      expectClear(err, /reading database user read-me .*GET \/api\/atlas\/v2\/groups\/[a-f0-9]{24}\/databaseUsers\/admin\/read-me: HTTP 200: /);
    } finally {
      await emulatorControl.clearFaults(emu);
      await databaseUserProvider.delete(`${emu.projectId}/admin/read-me`, {} as never);
    }
  });
});

describe("plain http:// to a non-loopback host", () => {
  test("is refused before anything is sent, naming the setting and the fix", async () => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (!address) {
      // eslint-disable-next-line no-console
      console.warn("no non-loopback IPv4 address on this machine: using a name that is not loopback instead");
    }
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await resetRuntimeForTests();
      const config: Record<string, string> = {
        [CONFIG_KEYS.baseUrl]: `http://${address ?? "atlas.invalid"}:${port}`,
        [CONFIG_KEYS.publicKey]: emu.publicKey,
        [CONFIG_KEYS.privateKey]: emu.privateKey,
      };
      await databaseUserProvider.configure({ config: { get: (k: string) => config[k] } } as never);
      const err = await errorOf(async () => databaseUserProvider.create(await inputs("plain-http")));
      expect(err.message).toMatch(
        /mongodbatlas:baseUrl.*uses plain http:\/\/ to a non-loopback host, which would send credentials unencrypted; use https:\/\/, or set atlasUsers:allowInsecureHttp/,
      );
      assertNoSecrets(err.message, [emu.privateKey, PASSWORD]);
      expect(received).toEqual([]);
    } finally {
      await new Promise((r) => server.close(r));
      await configureForEmulator(databaseUserProvider, emu);
    }
  });
});
