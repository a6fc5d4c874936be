/**
 * The control API under `/__emulator/` (never an Atlas path): JSON in and out,
 * no authentication. Tests use it to move the clock, inject faults, set rate
 * limits, read the request log and the state, seed, and act as an invitee.
 */
import { faultRuleProblem, type FaultRule } from "./faults";
import { verifyPassword } from "./passwords";
import { acceptInvitation, rejectInvitation } from "./routes/orgUsers";
import { applySeed, SeedError, type SeedInput } from "./seed";
import { EmulatorError, type EmulatorRuntime } from "./types";

export interface ControlResponse {
  readonly status: number;
  readonly body: unknown;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function handleControl(state: EmulatorRuntime, method: string, rawPath: string, raw: Buffer): Promise<ControlResponse> {
  try {
    const body = parseBody(raw);
    return { status: 200, body: route(state, method, rawPath, body) ?? { ok: true } };
  } catch (err) {
    if (err instanceof ControlError) return controlError(err.status, err.message);
    if (err instanceof SeedError) return controlError(400, err.message);
    if (err instanceof EmulatorError) {
      return { status: err.status, body: { error: err.status, errorCode: err.errorCode, detail: err.detail } };
    }
    throw err;
  }
}

function controlError(status: number, detail: string): ControlResponse {
  return { status, body: { error: status, errorCode: "INVALID_CONTROL_REQUEST", detail } };
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ControlError(400, "The control request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ControlError(400, "The control request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

function route(state: EmulatorRuntime, method: string, path: string, body: Record<string, unknown>): unknown {
  const invitation = /^orgs\/([^/]+)\/users\/([^/]+):(accept|reject)$/.exec(path);
  if (invitation) {
    expectMethod(method, "POST", path);
    return invitationAction(state, decodeURIComponent(invitation[1]), decodeURIComponent(invitation[2]), invitation[3]);
  }
  switch (path) {
    case "clock":
      expectMethod(method, "POST", path);
      return moveClock(state, body);
    case "faults":
      if (method === "DELETE") {
        state.faults.clear();
        return { rules: [] };
      }
      if (method === "GET") return { rules: state.faults.list() };
      expectMethod(method, "POST", path);
      return setFaults(state, body);
    case "rate-limit":
      if (method === "DELETE") {
        state.rateLimiter.configure(undefined);
        return { enabled: false };
      }
      expectMethod(method, "POST", path);
      return setRateLimit(state, body);
    case "requests":
      if (method === "DELETE") {
        state.requestLog = [];
        return { ok: true };
      }
      expectMethod(method, "GET", path);
      return state.requestLog;
    case "state":
      expectMethod(method, "GET", path);
      return redactedState(state);
    case "reset":
      expectMethod(method, "POST", path);
      state.reset();
      return { ok: true };
    case "seed":
      expectMethod(method, "POST", path);
      return applySeed(state.store, body as SeedInput, state.now());
    case "settings":
      if (method === "GET") return state.settings;
      expectMethod(method, "POST", path);
      return updateSettings(state, body);
    case "revoke-service-account":
      expectMethod(method, "POST", path);
      return revokeServiceAccount(state, body);
    case "check-password":
      expectMethod(method, "POST", path);
      return checkPassword(state, body);
    default:
      throw new ControlError(404, `Unknown control endpoint /__emulator/${path}.`);
  }
}

function expectMethod(actual: string, expected: string, path: string): void {
  if (actual !== expected) throw new ControlError(405, `Use ${expected} for /__emulator/${path}.`);
}

function moveClock(state: EmulatorRuntime, body: Record<string, unknown>): { now: string } {
  const { advanceSeconds, now } = body;
  if (advanceSeconds !== undefined && now !== undefined) throw new ControlError(400, "Give advanceSeconds or now, not both.");
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== "number" || !Number.isFinite(advanceSeconds)) {
      throw new ControlError(400, "advanceSeconds must be a number of seconds.");
    }
    state.clock.advance(advanceSeconds);
  } else if (now !== undefined) {
    const instant = typeof now === "string" ? new Date(now) : undefined;
    if (!instant || Number.isNaN(instant.getTime())) throw new ControlError(400, "now must be an ISO 8601 date-time.");
    state.clock.set(instant);
  } else {
    throw new ControlError(400, 'Send {"advanceSeconds": n} or {"now": "<iso>"}.');
  }
  state.sweep();
  return { now: state.now().toISOString() };
}

function setFaults(state: EmulatorRuntime, body: Record<string, unknown>): { rules: FaultRule[] } {
  const rules = body.rules;
  if (!Array.isArray(rules)) throw new ControlError(400, 'Send {"rules": [...]}.');
  rules.forEach((rule, i) => {
    const problem = faultRuleProblem(rule, i);
    if (problem) throw new ControlError(400, problem);
  });
  state.faults.set(rules as FaultRule[]);
  return { rules: state.faults.list() };
}

function setRateLimit(state: EmulatorRuntime, body: Record<string, unknown>): unknown {
  const { capacity, refillPerMinute } = body;
  if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 1) {
    throw new ControlError(400, "capacity must be an integer >= 1.");
  }
  if (typeof refillPerMinute !== "number" || !(refillPerMinute >= 0)) {
    throw new ControlError(400, "refillPerMinute must be a number >= 0.");
  }
  state.rateLimiter.configure({ capacity, refillPerMinute });
  return { enabled: true, capacity, refillPerMinute };
}

function updateSettings(state: EmulatorRuntime, body: Record<string, unknown>): unknown {
  for (const [k, v] of Object.entries(body)) {
    if (k === "bypassInviteForExistingUsers") {
      if (typeof v !== "boolean") throw new ControlError(400, "bypassInviteForExistingUsers must be a boolean.");
      state.settings.bypassInviteForExistingUsers = v;
    } else if (k === "publicApiFlavor") {
      if (v !== "cloud-manager" && v !== "ops-manager") {
        throw new ControlError(400, 'publicApiFlavor must be "cloud-manager" or "ops-manager".');
      }
      state.settings.publicApiFlavor = v;
    } else {
      throw new ControlError(400, `Unknown setting ${k} (bypassInviteForExistingUsers, publicApiFlavor).`);
    }
  }
  return state.settings;
}

function revokeServiceAccount(state: EmulatorRuntime, body: Record<string, unknown>): { revoked: string } {
  const { clientId } = body;
  if (typeof clientId !== "string") throw new ControlError(400, "Send {clientId}.");
  if (!state.auth.revokeServiceAccount(clientId)) throw new ControlError(404, `No service account ${clientId}.`);
  return { revoked: clientId };
}

function checkPassword(state: EmulatorRuntime, body: Record<string, unknown>): { ok: boolean } {
  const { password } = body;
  if (typeof password !== "string") throw new ControlError(400, "password must be a string.");
  if (typeof body.userId === "string") {
    const user = state.store.cloudUsers.find((u) => u.id === body.userId);
    if (!user) throw new ControlError(404, `No cloud user ${body.userId}.`);
    return { ok: verifyPassword(password, user.password) };
  }
  const { projectId, databaseName, username } = body;
  if (typeof projectId !== "string" || typeof databaseName !== "string" || typeof username !== "string") {
    throw new ControlError(400, "Send {projectId, databaseName, username, password} or {userId, password}.");
  }
  const user = state.store.databaseUsers.find(
    (u) => u.groupId === projectId && u.databaseName === databaseName && u.username === username,
  );
  if (!user) throw new ControlError(404, `No database user ${databaseName}/${username} in project ${projectId}.`);
  return { ok: verifyPassword(password, user.password) };
}

function invitationAction(state: EmulatorRuntime, orgId: string, userId: string, action: string): unknown {
  const result = action === "accept" ? acceptInvitation(state, orgId, userId) : rejectInvitation(state, orgId, userId);
  return result ?? { ok: true };
}

const REDACTED = "[redacted]";

/** Everything stored, with passwords and credential secrets replaced. */
function redactedState(state: EmulatorRuntime): unknown {
  const s = state.store;
  return {
    now: state.now().toISOString(),
    settings: state.settings,
    rateLimit: state.rateLimiter.current ?? null,
    orgs: s.orgs,
    projects: s.projects,
    teams: s.teams,
    teamProjectRoles: s.teamProjectRoles,
    apiKeys: s.apiKeys.map((k) => ({ publicKey: k.publicKey, privateKey: REDACTED })),
    serviceAccounts: s.serviceAccounts.map((a) => ({ clientId: a.clientId, clientSecret: REDACTED })),
    databaseUsers: s.databaseUsers.map((u) => ({ ...u, password: u.password ? REDACTED : undefined })),
    customDbRoles: s.customDbRoles,
    userCerts: s.userCerts,
    cloudUsers: s.cloudUsers.map((u) => ({ ...u, password: u.password ? REDACTED : undefined })),
    orgMemberships: s.orgMemberships,
    invitations: s.invitations,
  };
}
