/**
 * Tests' handle on the local emulator: start it in-process on port 0 and
 * drive its control API (`/__emulator/...`) over real HTTP. Every test of the
 * provider talks to the emulator through the network, never through imports.
 */
import { startEmulator } from "../../emulator";
import type { LoggedRequest, RunningEmulator } from "../../emulator";

/** A running emulator: its base URL, seeded ids and credentials, and `close()`. */
export type EmulatorHandle = RunningEmulator;

export interface FaultRule {
  method?: string;
  /** Regular expression matched against the request path. */
  path: string;
  status?: number;
  /** Seconds, sent as `Retry-After` with `status`. */
  retryAfter?: number;
  /** Reset the connection instead of answering. */
  reset?: boolean;
  /** Apply the change first, then drop the connection (`reset`) or answer `status`; used up only by an applied request. */
  afterCommit?: boolean;
  delayMs?: number;
  /** How many matching requests the rule applies to; unlimited when absent. */
  times?: number;
  /** Raw body to answer with instead of the Atlas error body (misbehaving-server tests). */
  body?: string;
  contentType?: string;
}

/** One entry of `GET /__emulator/requests` (control-API calls are not logged). */
export type { LoggedRequest };

export async function startTestEmulator(): Promise<EmulatorHandle> {
  return startEmulator({ port: 0, quiet: true });
}

async function control<T>(emu: { baseUrl: string }, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.baseUrl}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const emulatorControl = {
  advanceClock: (emu: { baseUrl: string }, seconds: number) =>
    control<{ now: string }>(emu, "POST", "clock", { advanceSeconds: seconds }),
  setClock: (emu: { baseUrl: string }, now: string) => control<{ now: string }>(emu, "POST", "clock", { now }),
  now: (emu: { baseUrl: string }) => control<{ now: string }>(emu, "POST", "clock", { advanceSeconds: 0 }),
  acceptInvitation: (emu: { baseUrl: string }, orgId: string, userId: string) =>
    control<unknown>(emu, "POST", `orgs/${orgId}/users/${userId}:accept`),
  rejectInvitation: (emu: { baseUrl: string }, orgId: string, userId: string) =>
    control<unknown>(emu, "POST", `orgs/${orgId}/users/${userId}:reject`),
  setFaults: (emu: { baseUrl: string }, rules: FaultRule[]) => control<unknown>(emu, "POST", "faults", { rules }),
  clearFaults: (emu: { baseUrl: string }) => control<unknown>(emu, "DELETE", "faults"),
  setRateLimit: (emu: { baseUrl: string }, capacity: number, refillPerMinute: number) =>
    control<unknown>(emu, "POST", "rate-limit", { capacity, refillPerMinute }),
  clearRateLimit: (emu: { baseUrl: string }) => control<unknown>(emu, "DELETE", "rate-limit"),
  requests: (emu: { baseUrl: string }) => control<LoggedRequest[]>(emu, "GET", "requests"),
  clearRequests: (emu: { baseUrl: string }) => control<unknown>(emu, "DELETE", "requests"),
  state: (emu: { baseUrl: string }) => control<Record<string, unknown>>(emu, "GET", "state"),
  reset: (emu: { baseUrl: string }) => control<unknown>(emu, "POST", "reset"),
  seed: (emu: { baseUrl: string }, seed: Record<string, unknown>) => control<Record<string, unknown>>(emu, "POST", "seed", seed),
  checkDatabaseUserPassword: (
    emu: { baseUrl: string },
    q: { projectId: string; databaseName: string; username: string; password: string },
  ) => control<{ ok: boolean }>(emu, "POST", "check-password", q),
  checkCloudUserPassword: (emu: { baseUrl: string }, q: { userId: string; password: string }) =>
    control<{ ok: boolean }>(emu, "POST", "check-password", q),
  /** Deletes the service account's secret: its tokens stop working and no new one is issued. */
  revokeServiceAccount: (emu: { baseUrl: string }, clientId: string) =>
    control<{ revoked: string }>(emu, "POST", "revoke-service-account", { clientId }),
  settings: (emu: { baseUrl: string }, settings: Record<string, unknown>) =>
    control<unknown>(emu, "POST", "settings", settings),
};
