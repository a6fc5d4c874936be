/**
 * The engine harness itself, proven with a test-only dynamic resource (Echo)
 * over the product's shim: up, a no-change preview, an update, refresh,
 * destroy, the step summaries, state export, and the secret scan helper.
 */
import { assertNoSecrets, createEngineStack, describeEngine, EngineStack } from "../support/engine";
import { Echo, echoProviderModule } from "./fixtures/echo";
import { removeTornCheckpointMetadata } from "../support/processes";
import fs from "node:fs";
import path from "node:path";

// Echo never calls the API; the harness still puts these in stack config.
const fakeEmulator = {
  baseUrl: "http://127.0.0.1:9",
  publicKey: "harness-public",
  privateKey: "harness-private-key-0f6a1c",
  clientId: "harness-client",
  clientSecret: "harness-client-secret-77d2",
};

describe("assertNoSecrets", () => {
  test("passes when no secret occurs and fails naming the secret by position, not value", () => {
    expect(() => assertNoSecrets("nothing here", ["s3cr3t-value"])).not.toThrow();
    let message = "";
    try {
      assertNoSecrets('{"password":"s3cr3t-value"}', ["other", "s3cr3t-value"]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("secret #1");
    expect(message).not.toContain("s3cr3t-value");
  });

  test("refuses an empty secret, which would match anything", () => {
    expect(() => assertNoSecrets("text", [""])).toThrow(/empty/);
  });
});

describeEngine("engine harness (Echo fixture)", () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await createEngineStack({
      emulator: fakeEmulator,
      program: async () => {
        const a = new Echo("a", { value: "one" });
        const b = new Echo("b", { value: "two" });
        return { a: a.value, b: b.value, seenBaseUrl: a.baseUrl };
      },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  test("up creates both resources; the host's configure saw the stack config", async () => {
    const up = await stack.up();
    expect(up.summary).toMatchObject({ create: 2, update: 0, replace: 0, delete: 0 });
    expect(up.outputs).toEqual({ a: "one", b: "two", seenBaseUrl: fakeEmulator.baseUrl });
    expect(up.steps.map((s) => `${s.op} ${s.name}`).sort()).toEqual(["create a", "create b"]);
  });

  test("a second preview reports no changes", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, same: 2 });
  });

  test("state: __provider is small and identical across resources; secrets are encrypted", async () => {
    const resources = await stack.resources("pulumi-nodejs:dynamic/test:Echo");
    expect(resources).toHaveLength(2);
    const providers = resources.map((r) => r.outputs.__provider as string);
    expect(providers[0]).toBe(providers[1]);
    // Echo's module is an absolute path, as long as the checkout's directory:
    // bound the text around the module name.
    expect(providers[0]).toContain(JSON.stringify(echoProviderModule));
    expect(providers[0].length - echoProviderModule.length).toBeLessThan(128);
    assertNoSecrets(JSON.stringify(await stack.exportState()), [fakeEmulator.privateKey]);
    assertNoSecrets(stack.stateFileText(), [fakeEmulator.privateKey]);
    // The engine keeps the stack config in the default provider's state, as a
    // secret: shown on request, so the scans above could have failed.
    expect(JSON.stringify(await stack.exportState({ showSecrets: true }))).toContain(fakeEmulator.privateKey);
  });

  test("a changed input previews as one update and applies", async () => {
    stack.setProgram(async () => {
      const a = new Echo("a", { value: "one" });
      const b = new Echo("b", { value: "three" });
      return { a: a.value, b: b.value };
    });
    const preview = await stack.preview();
    expect(preview.changeSummary).toMatchObject({ update: 1, same: 1 });
    expect(preview.steps.find((s) => s.op === "update")?.name).toBe("b");
    const up = await stack.up();
    expect(up.summary).toMatchObject({ update: 1, same: 1 });
    expect(up.outputs.b).toBe("three");
  });

  test("refresh reads both resources and changes nothing", async () => {
    const refresh = await stack.refresh();
    expect(refresh.summary.refresh).toBe(2);
    expect(refresh.summary.update ?? 0).toBe(0);
    expect(refresh.summary.delete ?? 0).toBe(0);
  });

  test("a check failure fails the up with the property named", async () => {
    stack.setProgram(async () => {
      new Echo("bad", { value: 42 as unknown as string });
    });
    await expect(stack.up()).rejects.toThrow(/value must be a string/);
    expect(stack.allOutput()).toContain("value must be a string");
  });

  test("a checkpoint whose .attrs file a SIGKILL left empty: the CLI cannot load it until the empty file is removed", async () => {
    const stacks = path.join(stack.dir, "backend", ".pulumi", "stacks");
    const files = fs.readdirSync(stacks, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".json.attrs"));
    expect(files.length).toBe(1);
    const file = path.join(files[0]!.parentPath, files[0]!.name);
    fs.writeFileSync(file, ""); // what a kill between the library's create and encode leaves
    await expect(stack.refresh()).rejects.toThrow(/failed to load checkpoint: EOF/);
    expect(removeTornCheckpointMetadata(path.join(stack.dir, "backend"))).toEqual([file]);
    expect((await stack.refresh()).summary.refresh).toBe(2);
  });

  test("destroy deletes everything", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.delete).toBe(2);
    expect(await stack.resources()).toEqual([]);
    assertNoSecrets(stack.allOutput(), [fakeEmulator.privateKey]);
  });
});
