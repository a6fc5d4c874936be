/**
 * Plain-fetch access to the emulator's Atlas / Cloud Manager / Ops Manager
 * APIs for the emulator's own tests (no dependency on the provider's client):
 * a service-account Bearer token, versioned media types on v2 paths, plain
 * JSON on v1.0 paths, and the spec check of v2 responses.
 */
import { randomBytes } from "node:crypto";
import { atlasContract } from "../../emulator";
import { emulatorControl, startTestEmulator, type EmulatorHandle } from "./emulator";

export interface ApiResponse {
  status: number;
  contentType: string | undefined;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The part of a response the spec check reads (headers other than the content type are not checked). */
export type SpecCheckedResponse = Pick<ApiResponse, "status" | "contentType" | "body">;

export interface ApiCall {
  method: string;
  /** Path with its query string, already URL-encoded. */
  path: string;
  /** Atlas media-type version for v2 paths; omit for v1.0 paths. */
  version?: string;
  body?: unknown;
}

/** A Bearer token for the emulator's seeded service account. */
export async function serviceAccountToken(emu: EmulatorHandle): Promise<string> {
  const res = await fetch(`${emu.baseUrl}/api/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Sends one API call and returns the parsed answer. */
export type ApiCaller = (c: ApiCall) => Promise<ApiResponse>;

export function apiClient(emu: EmulatorHandle, token: string): ApiCaller {
  return async function call({ method, path, version, body }: ApiCall): Promise<ApiResponse> {
    const mediaType = version ? `application/vnd.atlas.${version}+json` : "application/json";
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: mediaType };
    if (body !== undefined) headers["content-type"] = mediaType;
    const res = await fetch(`${emu.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? undefined,
      headers: res.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
}

const contract = atlasContract();

const INVITER_NOT_EMAIL = /^(.*)\/inviterUsername must match format "email"$/;

/**
 * Problems with a v2 response against the official spec (empty when valid).
 * `template` is the spec's path. One deviation is tolerated on purpose: the
 * emulator reports the caller (an API key's public key or a service account's
 * client id) as `inviterUsername`, which the spec types as an email; tests
 * assert that value explicitly instead.
 */
export function specProblems(method: string, template: string, res: SpecCheckedResponse): string[] {
  const problems = contract.validateResponse({ method, path: template, status: res.status, contentType: res.contentType, body: res.body });
  const tolerated = new Set(problems.map((p) => INVITER_NOT_EMAIL.exec(p)?.[1]).filter((at) => at !== undefined));
  return problems.filter(
    (p) => !INVITER_NOT_EMAIL.test(p) && ![...tolerated].some((at) => p === `${at || "/"} must match "then" schema`),
  );
}

/** A fresh org with one project (random ids), so a test's users never meet another test's. */
export async function seedOrgAndProject(emu: EmulatorHandle): Promise<{ orgId: string; projectId: string }> {
  const orgId = randomBytes(12).toString("hex");
  const projectId = randomBytes(12).toString("hex");
  await emulatorControl.seed(emu, { orgs: [{ id: orgId, name: `org-${orgId.slice(0, 6)}` }], projects: [{ id: projectId, orgId, name: `project-${projectId.slice(0, 6)}` }] });
  return { orgId, projectId };
}

/** What each identity test starts from. */
export interface IdentitySandbox {
  emu: EmulatorHandle;
  call: ApiCaller;
  orgId: string;
  projectId: string;
}

/**
 * Registers the jest hooks of an identity test file: one emulator for the
 * file, and before each test a fresh org and project and a new token, handed
 * to `onEach` (tests never see each other's users, and need no reset).
 */
export function useIdentitySandbox(onEach: (sandbox: IdentitySandbox) => void): void {
  let emu: EmulatorHandle;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    const { orgId, projectId } = await seedOrgAndProject(emu);
    onEach({ emu, orgId, projectId, call: apiClient(emu, await serviceAccountToken(emu)) });
  });
}
