/**
 * CloudUser lifecycle: a MongoDB Cloud account on Atlas (v2 or v1.0), Cloud
 * Manager or Ops Manager. Loaded by the provider shim (`resource.ts`) inside
 * the dynamic-provider host; nothing here is serialized into state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isConflict, isNotFound } from "../client/errors";
import {
  createCloudUser,
  deleteOpsManagerUser,
  getCloudUser,
  getCloudUserByName,
  updateOpsManagerUser,
  type CloudUserResponse,
} from "../client/operations/cloudUsers";
import { checkWith } from "../common/check";
import { note } from "../common/notes";
import { answerWasLost, resendIfAnswerLost } from "../common/lostResponse";
import { configure as configureRuntime, getClient, getSettings } from "../common/runtime";
import { sameSet } from "../common/sets";
import {
  applyAtlasRoleChanges,
  applyCloudManagerRoleChanges,
  findPendingRoles,
  removeAtlasMemberships,
  removeCloudManagerMemberships,
} from "./memberships";
import {
  changeableFields,
  changedProfileFields,
  fromApiRole,
  forbiddenChanges,
  forbiddenRoleChanges,
  opsManagerRoleList,
  roleChanges,
  roleDifference,
  roleIntersection,
  sameAccountStore,
  toCreateBody,
  toOpsManagerUpdateBody,
  toApiRole,
  toOutputs,
  toRefreshedInputs,
  usersApiFor,
  type CloudUserOutputs,
} from "./model";
import { CLOUD_USER_PLATFORMS, type CloudUserPlatform } from "./roles";
import { CloudUserInputsSchema, type CloudUserInputs, type CloudUserRole } from "./schema";

/** The platform a resource lives on: its own `platform` input, else the stack's `atlasUsers:platform`. */
function resolvePlatform(declared: unknown): CloudUserPlatform {
  if (typeof declared === "string" && (CLOUD_USER_PLATFORMS as readonly string[]).includes(declared)) {
    return declared as CloudUserPlatform;
  }
  return getSettings().platform;
}

/** The platform recorded in state (resources created before it was recorded: the configured one). */
function statePlatform(olds: Partial<CloudUserOutputs>): CloudUserPlatform {
  return resolvePlatform(olds.platform);
}

function clientFor(platform: CloudUserPlatform) {
  return getClient({ platform });
}

/** An error naming the object and the step, with the API's explanation underneath. */
function failure(action: string, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`${action}: ${detail}`);
}

function describe(username: string, platform: CloudUserPlatform): string {
  return `cloud user ${username} on ${platform}`;
}

async function readOrUndefined(call: Promise<CloudUserResponse>): Promise<CloudUserResponse | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Does an existing account look like the one our lost create request made? */
function matchesRequest(user: CloudUserResponse, inputs: CloudUserInputs): boolean {
  const same = (a: string | undefined, b: string | undefined) => b === undefined || a === b;
  return (
    user.username.toLowerCase() === inputs.username.toLowerCase() &&
    same(user.firstName, inputs.firstName) &&
    same(user.lastName, inputs.lastName) &&
    same(user.country, inputs.country) &&
    same(user.mobileNumber, inputs.mobileNumber)
  );
}

/**
 * Brings the roles this resource manages to the declaration (adding the declared
 * ones, withdrawing those `previouslyDeclared` no longer declared; other roles
 * stay); Ops Manager also takes the declared profile fields.
 */
async function bringToDeclaredState(
  platform: CloudUserPlatform,
  user: CloudUserResponse,
  inputs: CloudUserInputs,
  previouslyDeclared: readonly CloudUserRole[],
): Promise<CloudUserResponse> {
  const client = clientFor(platform);
  const api = usersApiFor(platform);
  const target = inputs.roles ?? [];
  if (platform === "ops-manager") {
    // PATCH replaces the whole role list: change only the roles this resource manages, keep the rest (`user` was
    // read just before). Nothing to change (roles nor editable profile fields): no request.
    const held = (user.roles ?? []).map(fromApiRole);
    const roles = opsManagerRoleList(held, previouslyDeclared, target);
    const rolesChange = !sameSet(roles, held);
    const profileChange = changedProfileFields(user, inputs).some((f) => changeableFields(platform).includes(f));
    if (!rolesChange && !profileChange) return user;
    // The body sets absolute values: resending it after a lost answer is safe.
    const body = toOpsManagerUpdateBody(inputs, rolesChange ? roles : undefined);
    return resendIfAnswerLost(() => updateOpsManagerUser(client, user.id, body));
  }
  const { add, remove } = roleChanges(previouslyDeclared, target);
  if (platform === "cloud-manager") {
    const activeRoles = (user.roles ?? []).map(fromApiRole);
    await applyCloudManagerRoleChanges(client, { id: user.id, username: user.username, activeRoles }, { add, remove, target });
    return getCloudUser(client, api, user.id);
  }
  await applyAtlasRoleChanges(client, user, { add, remove, target });
  return getCloudUser(client, api, user.id);
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureRuntime(req);
  },

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    let platform: CloudUserPlatform;
    try {
      platform = resolvePlatform(news?.platform);
    } catch (err) {
      // No platform without settings: report the configuration problem itself, before any request.
      return { inputs: news, failures: [{ property: "", reason: err instanceof Error ? err.message : String(err) }] };
    }
    const creating = olds?.username === undefined;
    return checkWith(CloudUserInputsSchema(platform, { creating }), news);
  },

  async diff(_id: string, olds: Partial<CloudUserOutputs>, news: CloudUserInputs): Promise<pulumi.dynamic.DiffResult> {
    const oldPlatform = statePlatform(olds);
    const newPlatform = resolvePlatform(news.platform);
    const replaces: string[] = [];
    // Usernames are email addresses: the API may report them in another case.
    if (olds.username !== undefined && olds.username.toLowerCase() !== news.username.toLowerCase()) replaces.push("username");
    if (!sameAccountStore(oldPlatform, newPlatform)) replaces.push("platform");

    const changes = new Set<string>(replaces);
    if (replaces.length === 0) {
      const forbidden = [
        ...forbiddenChanges(oldPlatform, news.username, olds, news),
        ...forbiddenRoleChanges(oldPlatform, news.username, olds.roles ?? [], news.roles ?? [], olds.activeRoles ?? []),
      ];
      if (forbidden.length > 0) throw new Error(forbidden.join("\n"));
      for (const field of changedProfileFields(olds, news)) changes.add(field);
    }
    if (!sameSet(olds.roles ?? [], news.roles ?? [])) changes.add("roles");
    if ((olds.adopt ?? false) !== (news.adopt ?? false)) changes.add("adopt");
    if (oldPlatform !== newPlatform) changes.add("platform");
    return { changes: changes.size > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: CloudUserInputs): Promise<pulumi.dynamic.CreateResult> {
    const platform = resolvePlatform(inputs.platform);
    const what = describe(inputs.username, platform);
    const client = clientFor(platform);
    const api = usersApiFor(platform);
    const body = toCreateBody(inputs, platform);
    // The roles an adopted account already held; none when this resource creates the account.
    let preexistingRoles: CloudUserRole[] = [];
    let adoptedExisting = false;
    let user: CloudUserResponse;
    try {
      user = await createCloudUser(client, api, body);
    } catch (err) {
      user = await recoverCreate(err);
    }
    return { id: user.id, outs: toOutputs(user, { ...inputs, preexistingRoles, adoptedExisting }, platform) };

    async function recoverCreate(err: unknown): Promise<CloudUserResponse> {
      if (isConflict(err)) return adoptExisting(err);
      if (!answerWasLost(err)) throw failure(`creating ${what}`, err);
      // The answer was lost: the account may exist. Ours if it matches what we sent; else retry once.
      const existing = await readOrUndefined(getCloudUserByName(client, api, inputs.username)).catch((readErr) => {
        throw failure(`creating ${what} (checking whether the lost request was applied)`, readErr);
      });
      if (existing && matchesRequest(existing, inputs)) return existing;
      if (existing) return adoptExisting(err);
      try {
        return await createCloudUser(client, api, body);
      } catch (retryErr) {
        if (isConflict(retryErr)) {
          // Our first request may have landed after we looked (a slow server, a stale read): ours if it matches.
          const landed = await readOrUndefined(getCloudUserByName(client, api, inputs.username)).catch(() => undefined);
          if (landed && matchesRequest(landed, inputs)) return landed;
          return adoptExisting(retryErr);
        }
        throw failure(`creating ${what}`, retryErr);
      }
    }

    async function adoptExisting(err: unknown): Promise<CloudUserResponse> {
      if (!inputs.adopt) {
        throw failure(
          `creating ${what}`,
          new Error(
            `an account with username ${inputs.username} already exists (${err instanceof Error ? err.message : String(err)}). ` +
              "Set adopt: true on this resource to manage the existing account, or choose another username.",
          ),
        );
      }
      try {
        const existing = await getCloudUserByName(client, api, inputs.username);
        // Adopting grants the declared roles the account lacks; roles it holds beyond them are left alone.
        const held = (existing.roles ?? []).map(fromApiRole);
        const heldAndDeclared = (inputs.roles ?? []).filter((d) => held.some((h) => sameRole(h, d)));
        if (platform === "cloud-manager") {
          // Its API cannot grant project roles (nor change an accepted member's org roles): say so before any
          // change is sent. Roles of a waiting invitation count as held: the invitation already carries them.
          const declared = inputs.roles ?? [];
          const invited = await findPendingRoles(
            client,
            false,
            { id: existing.id, username: existing.username, declared },
            roleDifference(declared, held),
          );
          const forbidden = forbiddenRoleChanges(platform, inputs.username, [...heldAndDeclared, ...invited], declared, held);
          if (forbidden.length > 0) throw new Error(forbidden.join("\n"));
        }
        const adopted = await bringToDeclaredState(platform, existing, inputs, heldAndDeclared);
        preexistingRoles = held;
        adoptedExisting = true;
        return adopted;
      } catch (adoptErr) {
        throw failure(`adopting existing ${what}`, adoptErr);
      }
    }
  },

  async read(id: string, props: Partial<CloudUserOutputs>): Promise<pulumi.dynamic.ReadResult> {
    const platform = statePlatform(props);
    const username = props.username ?? id;
    let user: CloudUserResponse | undefined;
    try {
      user = await readOrUndefined(getCloudUser(clientFor(platform), usersApiFor(platform), id));
    } catch (err) {
      throw failure(`reading ${describe(username, platform)}`, err);
    }
    if (!user) return {};
    const notActive = roleDifference(props.roles ?? [], (user.roles ?? []).map(fromApiRole));
    let pending: CloudUserRole[] = [];
    try {
      if (notActive.length > 0) {
        const atlas = platform === "atlas" || platform === "atlas-v1";
        const who = { id: user.id, username: user.username, declared: props.roles ?? [] };
        pending = await findPendingRoles(clientFor(platform), atlas, who, notActive);
      }
    } catch (err) {
      throw failure(`reading the pending invitations of ${describe(username, platform)}`, err);
    }
    const outs = toOutputs(user, props, platform, pending);
    return { id: user.id, props: outs, inputs: toRefreshedInputs(outs, props as Partial<CloudUserInputs>) };
  },

  async update(id: string, olds: Partial<CloudUserOutputs>, news: CloudUserInputs): Promise<pulumi.dynamic.UpdateResult> {
    const platform = resolvePlatform(news.platform);
    const what = describe(news.username, platform);
    const client = clientFor(platform);
    if (sameSet(olds.roles ?? [], news.roles ?? []) && changedProfileFields(olds, news).length === 0) {
      // Only `adopt` or `platform` (atlas ↔ atlas-v1, the same accounts) changed: nothing to send.
      const { adopt: _adopt, ...kept } = olds as CloudUserOutputs;
      return { outs: { ...kept, ...(news.adopt !== undefined ? { adopt: news.adopt } : {}), platform } };
    }
    try {
      const current = await getCloudUser(client, usersApiFor(platform), id);
      const user = await bringToDeclaredState(platform, current, news, olds.roles ?? []);
      return { outs: toOutputs(user, { ...news, preexistingRoles: olds.preexistingRoles, adoptedExisting: olds.adoptedExisting }, platform) };
    } catch (err) {
      throw failure(`updating ${what}`, err);
    }
  },

  async delete(id: string, props: Partial<CloudUserOutputs>): Promise<void> {
    const platform = statePlatform(props);
    const what = describe(props.username ?? id, platform);
    const client = clientFor(platform);
    try {
      // What the account held before adoption, and still holds, stays. State written before that was recorded:
      // an adopted account may have held every declared role already, so nothing is taken away.
      const unrecorded = props.preexistingRoles === undefined && props.adopt === true;
      const declared = unrecorded ? [] : (props.roles ?? []);
      const kept = roleIntersection(props.preexistingRoles ?? [], props.activeRoles ?? []);
      if (platform === "ops-manager") {
        // An account that existed before this resource adopted it is kept: only the roles the resource added go.
        const adopted = props.adoptedExisting === true || (props.preexistingRoles?.length ?? 0) > 0 || unrecorded;
        if (adopted) await releaseOpsManagerAccount(client, id, props.username ?? id, roleDifference(declared, props.preexistingRoles ?? []));
        else await deleteOpsManagerUser(client, id);
      } else if (platform === "cloud-manager") {
        await removeCloudManagerMemberships(client, { id, username: props.username ?? id }, declared, kept);
      } else {
        // Atlas cannot delete an account: take away what this resource gave it.
        await removeAtlasMemberships(client, { id, username: props.username ?? id }, declared, kept);
      }
    } catch (err) {
      if (isNotFound(err)) return;
      throw failure(`deleting ${what}`, err);
    }
  },
};

/**
 * Ops Manager destroy of an adopted account: the account stays; the roles this
 * resource added (declared, not held before adoption) are taken away with one
 * PATCH of the complete role list (current − added), and a note says why the
 * account was kept.
 */
async function releaseOpsManagerAccount(
  client: ReturnType<typeof clientFor>,
  id: string,
  username: string,
  added: readonly CloudUserRole[],
): Promise<void> {
  const current = await getCloudUser(client, "public-v1", id);
  const held = (current.roles ?? []).map(fromApiRole);
  const remaining = roleDifference(held, added);
  if (remaining.length !== held.length) {
    // The body sets absolute values: resending it after a lost answer is safe.
    await resendIfAnswerLost(() => updateOpsManagerUser(client, id, { roles: remaining.map(toApiRole) }));
  }
  note(
    `kept Ops Manager account ${username}: it existed before this resource adopted it, so destroy removed only the roles ` +
      `the resource added (${added.map(describeRole).join(", ") || "none"}) instead of deleting the account`,
  );
}

function describeRole(role: CloudUserRole): string {
  const scope = role.orgId !== undefined ? `org ${role.orgId}` : role.projectId !== undefined ? `project ${role.projectId}` : "global";
  return `${role.roleName} (${scope})`;
}

function sameRole(a: CloudUserRole, b: CloudUserRole): boolean {
  return a.roleName === b.roleName && a.orgId === b.orgId && a.projectId === b.projectId;
}
