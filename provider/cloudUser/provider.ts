/**
 * CloudUser lifecycle: a MongoDB Cloud account on Atlas (v2 or v1.0), Cloud
 * Manager or Ops Manager. Loaded by the provider shim (`resource.ts`) inside
 * the dynamic-provider host; nothing here is serialized into state. What a
 * platform can do comes from its record (`../platform`); roles held through
 * memberships and invitations are changed by `../memberships`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isNotFound } from "../client/errors";
import {
  createCloudUser,
  deleteOpsManagerUser,
  getCloudUser,
  getCloudUserByName,
  updateOpsManagerUser,
  type CloudUserResponse,
} from "../client/operations/cloudUsers";
import type { AtlasClient } from "../client/client";
import { checkWith } from "../common/check";
import { failure, orUndefined, ResourceError } from "../common/errors";
import { createOnce, resendIfAnswerLost } from "../common/lostResponse";
import { note } from "../common/notes";
import { ownerUnknown } from "../common/ownership";
import { sameSet } from "../common/sets";
import { runContext, type RunContext } from "../context";
import { accountRolesFor } from "../memberships";
import { describeRole, groupRoles } from "../memberships/roles";
import { wantsReinvite, type RoleStanding } from "../memberships/status";
import { PLATFORM, sameAccountStore, type Platform } from "../platform";
import {
  carriesOnlyDeclared,
  changedProfileFields,
  forbiddenChanges,
  forbiddenRoleChanges,
  fromApiRole,
  opsManagerRoleList,
  roleChanges,
  roleDifference,
  roleIntersection,
  toApiRole,
  toCreateBody,
  toOpsManagerUpdateBody,
  toOutputs,
  toRefreshedInputs,
  type CloudUserOutputs,
} from "./model";
import { CloudUserInputsSchema, type CloudUserInputs, type CloudUserRole } from "./schema";

type Olds = Partial<CloudUserOutputs>;

let configured: RunContext | undefined;
/** The context `configure` built (the environment alone if the engine never called it). */
const ctx = (): RunContext => (configured ??= runContext());

function describe(username: string, platform: Platform): string {
  return `cloud user ${username} on ${platform}`;
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

/** Declared roles that are not held: which wait on invitations, which are to be granted again, and when the first invitation expires. */
async function standingOf(client: AtlasClient, platform: Platform, user: CloudUserResponse, declared: Partial<CloudUserInputs>, now: Date | undefined) {
  const roles = declared.roles ?? [];
  const notHeld = roleDifference(roles, (user.roles ?? []).map(fromApiRole));
  if (notHeld.length === 0) return { pending: [], regrant: [] };
  const standings = await accountRolesFor(platform).standings(client, { id: user.id, username: user.username, declared: roles }, notHeld, now);
  const regrants = (s: RoleStanding) =>
    s === "revoked" || (s === "expired" && wantsReinvite("INVITATION_EXPIRED", declared.reinvite)) || (s === "rejected" && wantsReinvite("INVITATION_REJECTED", declared.reinvite));
  return {
    pending: notHeld.filter((r) => standings.of(r) === "pending"),
    regrant: notHeld.filter((r) => regrants(standings.of(r))),
    pendingExpiresAt: standings.pendingExpiresAt,
  };
}

/**
 * Brings the roles this resource manages to the declaration (adding the declared
 * ones, withdrawing those `previouslyDeclared` no longer declared; other roles
 * stay); Ops Manager also takes the declared profile fields. Answers the account as it is now.
 */
async function bringToDeclaredState(
  client: AtlasClient,
  platform: Platform,
  user: CloudUserResponse,
  inputs: CloudUserInputs,
  previouslyDeclared: readonly CloudUserRole[],
): Promise<CloudUserResponse> {
  const record = PLATFORM[platform];
  const target = inputs.roles ?? [];
  if (record.rolesByUserPatch) {
    // PATCH replaces the whole role list: change only the roles this resource manages, keep the rest (`user` was
    // read just before). Nothing to change (roles nor editable profile fields): no request.
    const held = (user.roles ?? []).map(fromApiRole);
    const roles = opsManagerRoleList(held, previouslyDeclared, target);
    const rolesChange = !sameSet(roles, held);
    const profileChange = changedProfileFields(user, inputs).some((f) => record.editableProfileFields.includes(f));
    if (!rolesChange && !profileChange) return user;
    // The body sets absolute values: resending it after a lost answer is safe.
    return resendIfAnswerLost(() => updateOpsManagerUser(client, user.id, toOpsManagerUpdateBody(inputs, rolesChange ? roles : undefined)));
  }
  const { add, remove } = roleChanges(previouslyDeclared, target);
  if (add.length === 0 && remove.length === 0) return user;
  const activeRoles = (user.roles ?? []).map(fromApiRole);
  await accountRolesFor(platform).apply(client, { id: user.id, username: user.username, activeRoles }, { add, remove, target }, new Date());
  return getCloudUser(client, record.usersApi, user.id);
}

/**
 * Outputs, the memberships asked which declared roles wait. `now` undefined:
 * invitations just sent (create, update), pending whatever the clock skew.
 */
async function outputsOf(
  client: AtlasClient,
  platform: Platform,
  user: CloudUserResponse,
  declared: Parameters<typeof toOutputs>[1] & Partial<CloudUserInputs>,
  now: Date | undefined,
) {
  return toOutputs(user, declared, platform, await standingOf(client, platform, user, declared, now));
}

/**
 * Where accounts can be deleted (the only place the answer changes what
 * destroy does): whether an account met at create may be this stack's own,
 * one it created without recording it. Neither the account nor its invitations
 * can carry a mark, so this is judged from what the account carries
 * (see `carriesOnlyDeclared`).
 */
async function isThisStacksOwn(client: AtlasClient, platform: Platform, user: CloudUserResponse, inputs: CloudUserInputs): Promise<boolean> {
  if (!PLATFORM[platform].canDeleteAccounts) return false;
  const orgIds = groupRoles(inputs.roles ?? []).orgs.keys();
  return carriesOnlyDeclared(user, inputs, platform, await accountRolesFor(platform).invitedRoles(client, user.username, orgIds));
}

export const provider = {
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configured = runContext(req);
  },

  async check(olds: Olds, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult<CloudUserInputs>> {
    let platform: Platform;
    try {
      platform = ctx().platformOf(news?.platform);
    } catch (err) {
      // No platform without settings: report the configuration problem itself, before any request.
      return { inputs: news as CloudUserInputs, failures: [{ property: "", reason: err instanceof Error ? err.message : String(err) }] };
    }
    const creating = olds?.username === undefined;
    return checkWith(CloudUserInputsSchema(platform, { creating }), news) as pulumi.dynamic.CheckResult<CloudUserInputs>;
  },

  async diff(_id: string, olds: Olds, news: CloudUserInputs): Promise<pulumi.dynamic.DiffResult> {
    const oldPlatform = ctx().platformOf(olds.platform);
    const newPlatform = ctx().platformOf(news.platform);
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
      if (forbidden.length > 0) throw new ResourceError({ step: `changing ${describe(news.username, oldPlatform)}`, detail: forbidden.join("\n"), code: "ATLAS_USERS_CANNOT_CHANGE" });
      for (const field of changedProfileFields(olds, news)) changes.add(field);
    }
    if (!sameSet(olds.roles ?? [], news.roles ?? [])) changes.add("roles");
    if ((olds.adopt ?? false) !== (news.adopt ?? false)) changes.add("adopt");
    if ((olds.reinvite ?? "on-expiry") !== (news.reinvite ?? "on-expiry")) changes.add("reinvite");
    if (oldPlatform !== newPlatform) changes.add("platform");
    // An invitation that expired since the last look (no refresh needed): `update` asks, and sends it again.
    if ((olds.pendingRoles?.length ?? 0) > 0 && olds.invitationsExpireAt && wantsReinvite("INVITATION_EXPIRED", news.reinvite)) {
      if (Date.parse(olds.invitationsExpireAt) <= Date.now()) changes.add("pendingRoles");
    }
    return { changes: changes.size > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: CloudUserInputs): Promise<pulumi.dynamic.CreateResult<CloudUserOutputs>> {
    const platform = ctx().platformOf(inputs.platform);
    const what = describe(inputs.username, platform);
    const client = ctx().client(platform);
    const api = PLATFORM[platform].usersApi;
    // The roles an adopted account already held; none when this resource creates the account.
    let preexistingRoles: CloudUserRole[] = [];
    let adoptedExisting = false;
    const adoptExisting = async (existing: CloudUserResponse | undefined, err: unknown): Promise<CloudUserResponse> => {
      if (!inputs.adopt) {
        throw new ResourceError({
          step: `creating ${what}`,
          detail:
            `an account with username ${inputs.username} already exists (${err instanceof Error ? err.message : String(err)}). ` +
            "Set adopt: true on this resource to manage the existing account, or choose another username. " +
            `${ownerUnknown("account")}.`,
          cause: err,
        });
      }
      try {
        const found = existing ?? (await getCloudUserByName(client, api, inputs.username));
        if (await isThisStacksOwn(client, platform, found, inputs)) {
          // Nothing to keep at destroy: it is managed as if this resource had created it (which it most likely did).
          note(
            `adopted ${PLATFORM[platform].title} account ${inputs.username} as this stack's own: it carries nothing but what this resource ` +
              "declares (profile, roles, invitations; no team) and was never logged into, as after a create whose run was killed or whose answer " +
              "was lost. Destroy will delete it",
          );
          return await bringToDeclaredState(client, platform, found, inputs, []);
        }
        // Adopting grants the declared roles the account lacks; roles it holds beyond them are left alone.
        const held = (found.roles ?? []).map(fromApiRole);
        const declared = inputs.roles ?? [];
        const heldAndDeclared = roleIntersection(declared, held);
        if (!PLATFORM[platform].canChangeAcceptedOrgRoles || !PLATFORM[platform].canChangeProjectRoles) {
          // Say what the API cannot grant before any change is sent. Roles of a waiting invitation count as held.
          const { pending } = await standingOf(client, platform, found, inputs, new Date());
          const forbidden = forbiddenRoleChanges(platform, inputs.username, [...heldAndDeclared, ...pending], declared, held);
          if (forbidden.length > 0) throw new Error(forbidden.join("\n"));
        }
        const adopted = await bringToDeclaredState(client, platform, found, inputs, heldAndDeclared);
        preexistingRoles = held;
        adoptedExisting = true;
        return adopted;
      } catch (adoptErr) {
        throw failure(`adopting existing ${what}`, adoptErr);
      }
    };
    try {
      const user = await createOnce({
        send: () => createCloudUser(client, api, toCreateBody(inputs, platform)),
        lookUp: () => orUndefined(getCloudUserByName(client, api, inputs.username)),
        isOurs: (found) => matchesRequest(found, inputs),
        onConflict: adoptExisting,
      });
      return { id: user.id, outs: await outputsOf(client, platform, user, { ...inputs, preexistingRoles, adoptedExisting }, undefined) };
    } catch (err) {
      throw failure(`creating ${what}`, err);
    }
  },

  async read(id: string, props: Olds = {}): Promise<pulumi.dynamic.ReadResult<CloudUserOutputs>> {
    const platform = ctx().platformOf(props.platform);
    const client = ctx().client(platform);
    try {
      const user = await orUndefined(getCloudUser(client, PLATFORM[platform].usersApi, id));
      if (!user) return {};
      let outs = await outputsOf(client, platform, user, props, new Date());
      // An import knows no declaration: the roles the account holds are taken
      // as declared, so that a program declaring them plans no change.
      if (props.username === undefined) outs = await outputsOf(client, platform, user, { ...props, roles: outs.activeRoles }, new Date());
      return { id: user.id, props: outs, inputs: toRefreshedInputs(outs, props as Partial<CloudUserInputs>) as unknown as CloudUserOutputs };
    } catch (err) {
      throw failure(`reading ${describe(props.username ?? id, platform)}`, err);
    }
  },

  async update(id: string, olds: Olds, news: CloudUserInputs): Promise<pulumi.dynamic.UpdateResult<CloudUserOutputs>> {
    const platform = ctx().platformOf(news.platform);
    const client = ctx().client(platform);
    const carried = { ...news, preexistingRoles: olds.preexistingRoles, adoptedExisting: olds.adoptedExisting };
    const expiryPassed = (olds.pendingRoles?.length ?? 0) > 0 && olds.invitationsExpireAt !== undefined && Date.parse(olds.invitationsExpireAt) <= Date.now();
    if (sameSet(olds.roles ?? [], news.roles ?? []) && changedProfileFields(olds, news).length === 0 && !expiryPassed) {
      // Only `adopt`, `reinvite` or `platform` (atlas ↔ atlas-v1, the same accounts) changed: nothing to send.
      const { adopt: _adopt, reinvite: _reinvite, ...kept } = olds as CloudUserOutputs;
      return { outs: { ...kept, ...(news.adopt !== undefined ? { adopt: news.adopt } : {}), ...(news.reinvite !== undefined ? { reinvite: news.reinvite } : {}), platform } };
    }
    try {
      const current = await getCloudUser(client, PLATFORM[platform].usersApi, id);
      // Roles whose invitation died (expired, or rejected under that policy) or that were revoked are granted again.
      const { regrant } = await standingOf(client, platform, current, { ...news, roles: olds.roles ?? [] }, new Date());
      const user = await bringToDeclaredState(client, platform, current, news, roleDifference(olds.roles ?? [], regrant));
      return { outs: await outputsOf(client, platform, user, carried, undefined) };
    } catch (err) {
      throw failure(`updating ${describe(news.username, platform)}`, err);
    }
  },

  async delete(id: string, props: Olds): Promise<void> {
    const platform = ctx().platformOf(props.platform);
    const client = ctx().client(platform);
    const user = { id, username: props.username ?? id };
    try {
      // What the account held before adoption, and still holds, stays. State written before that was recorded:
      // an adopted account may have held every declared role already, so nothing is taken away.
      const unrecorded = props.preexistingRoles === undefined && props.adopt === true;
      const declared = unrecorded ? [] : (props.roles ?? []);
      const kept = roleIntersection(props.preexistingRoles ?? [], props.activeRoles ?? []);
      if (PLATFORM[platform].canDeleteAccounts) {
        // An account that existed before this resource adopted it is kept: only the roles the resource added go.
        const adopted = props.adoptedExisting === true || (props.preexistingRoles?.length ?? 0) > 0 || unrecorded;
        if (adopted) await releaseAdoptedAccount(client, platform, user, roleDifference(declared, props.preexistingRoles ?? []));
        else await deleteOpsManagerUser(client, id);
      } else {
        // The account itself cannot be deleted: take away what this resource gave it.
        await accountRolesFor(platform).remove(client, user, declared, kept, new Date());
      }
    } catch (err) {
      if (isNotFound(err)) return;
      throw failure(`deleting ${describe(user.username, platform)}`, err);
    }
  },
} satisfies pulumi.dynamic.ResourceProvider<CloudUserInputs, CloudUserOutputs>;

/**
 * Destroy of an adopted account where accounts can be deleted (Ops Manager):
 * the account stays; the roles this resource added (declared, not held before
 * adoption) are taken away with one PATCH of the complete role list (current
 * − added), their invitations still waiting are withdrawn, and a note says
 * why the account was kept.
 */
async function releaseAdoptedAccount(client: AtlasClient, platform: Platform, user: { id: string; username: string }, added: readonly CloudUserRole[]): Promise<void> {
  const current = await getCloudUser(client, PLATFORM[platform].usersApi, user.id);
  const held = (current.roles ?? []).map(fromApiRole);
  const removed = roleIntersection(held, added);
  if (removed.length > 0) {
    // The body sets absolute values: resending it after a lost answer is safe.
    await resendIfAnswerLost(() => updateOpsManagerUser(client, user.id, { roles: roleDifference(held, added).map(toApiRole) }));
  }
  const withdrawn = await accountRolesFor(platform).withdrawInvitations(client, user.username, added);
  // Says what was done, not what was meant: roles already gone and invitations not found are not claimed.
  note(
    `kept ${PLATFORM[platform].title} account ${user.username}: it existed before this resource adopted it, so destroy did not delete it; ` +
      `it removed the roles the resource added that the account held (${removed.map(describeRole).join(", ") || "none"}) and withdrew the ` +
      `invitations to ${withdrawn.length > 0 ? withdrawn.map((orgId) => `organization ${orgId}`).join(", ") : "no organization (none was waiting)"}`,
  );
}
