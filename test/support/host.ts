/**
 * Layer 3: the real dynamic-provider host over gRPC. Spawns
 * `node <@pulumi/pulumi/cmd/dynamic-provider> 127.0.0.1:1` (what
 * `pulumi-resource-pulumi-nodejs` runs) with a cwd from which this package
 * resolves by name, reads its port from the first stdout line, and drives it
 * with the SDK's own `ResourceProviderClient`, as the engine does:
 * Configure first, then Check/Diff/Create/Read/Update/Delete with the
 * serialized provider in each request's properties (`__provider`).
 */
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { createLinkedWorkDir, repoRoot } from "./workdir";

type Props = Record<string, unknown>;

export interface HostDiffResult {
  /** `DIFF_SOME` → true, `DIFF_NONE` → false, `DIFF_UNKNOWN` → undefined. */
  changes: boolean | undefined;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface DynamicProviderHost {
  /** `Configure` with a raw stack-config map (`mongodbatlas:publicKey` → value). */
  configure(config: Record<string, string>): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(urn: string, id: string, olds: Props, news: Props): Promise<HostDiffResult>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(urn: string, id: string, properties: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs?: Props }>;
  update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, properties: Props): Promise<void>;
  /** What the host printed on stderr so far (for secret scans). */
  stderr(): string;
  close(): Promise<void>;
}

/** A URN for a dynamic resource of `type` (e.g. `DatabaseUser`). */
export function dynamicUrn(type: string, name: string, project = "host-test", stack = "test"): string {
  return `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic:${type}::${name}`;
}

const toStruct = (value: Props) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);

function unary<Req, Res>(
  client: provrpc.ResourceProviderClient,
  method: string,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    (client as any)[method](request, (err: grpc.ServiceError | null, response: Res) => {
      if (err) reject(Object.assign(new Error(`${method}: ${err.details || err.message}`), { code: err.code }));
      else resolve(response);
    });
  });
}

/** Starts the host; `close()` ends it and removes its temp cwd. */
export async function startDynamicProviderHost(): Promise<DynamicProviderHost> {
  const cwd = createLinkedWorkDir("atlas-host-");
  const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [repoRoot] });
  const child: ChildProcess = spawn(process.execPath, [entry, "127.0.0.1:1"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULUMI_PROJECT: "host-test", PULUMI_STACK: "test" },
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const onData = (d: Buffer) => {
      stdout += d;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
        child.stdout!.off("data", onData);
        resolve(Number(line.trim()));
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`dynamic-provider host exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`dynamic-provider host did not print its port: ${stderr}`)), 30_000).unref();
  });

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  return {
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(toStruct(config));
      req.setAcceptsecrets(false);
      await unary(client, "configure", req);
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await unary<provproto.CheckRequest, provproto.CheckResponse>(client, "check", req);
      return {
        inputs: (res.getInputs()?.toJavaScript() ?? {}) as Props,
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await unary<provproto.DiffRequest, provproto.DiffResponse>(client, "diff", req);
      const changes = res.getChanges();
      return {
        changes:
          changes === provproto.DiffResponse.DiffChanges.DIFF_SOME
            ? true
            : changes === provproto.DiffResponse.DiffChanges.DIFF_NONE
              ? false
              : undefined,
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(urn, properties) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(toStruct(properties));
      const res = await unary<provproto.CreateRequest, provproto.CreateResponse>(client, "create", req);
      return { id: res.getId(), properties: (res.getProperties()?.toJavaScript() ?? {}) as Props };
    },
    async read(urn, id, properties, inputs) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      if (inputs) req.setInputs(toStruct(inputs));
      const res = await unary<provproto.ReadRequest, provproto.ReadResponse>(client, "read", req);
      const resInputs = res.getInputs()?.toJavaScript() as Props | undefined;
      return { id: res.getId(), properties: (res.getProperties()?.toJavaScript() ?? {}) as Props, inputs: resInputs };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const res = await unary<provproto.UpdateRequest, provproto.UpdateResponse>(client, "update", req);
      return { properties: (res.getProperties()?.toJavaScript() ?? {}) as Props };
    },
    async delete(urn, id, properties) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      await unary(client, "delete", req);
    },
    stderr: () => stderr,
    async close() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}
