/**
 * The resources the provider plugin serves: each type token's implementation
 * is the same `provider` object the dynamic resources' `__provider` text loads
 * (`provider/<resource>/provider.ts`), and its secret outputs are read off the
 * same zod schemas (`.meta({ secret: true })`). Nothing here is written twice.
 */
import type { z } from "zod";
import { secretFieldsOf } from "../common/secretFields";
import { objectFields } from "../common/schemaWalk";
import type { ConfigureRequestLike } from "../context";
import { provider as cloudUser } from "../cloudUser/provider";
import { CloudUserInputsSchema, CloudUserStateSchema } from "../cloudUser/schema";
import { provider as customDbRole } from "../customDbRole/provider";
import { CustomDbRoleInputsSchema, CustomDbRoleStateSchema } from "../customDbRole/schema";
import { provider as databaseUser } from "../databaseUser/provider";
import { DatabaseUserInputsSchema, DatabaseUserStateSchema } from "../databaseUser/schema";
import { provider as orgInvitation } from "../orgInvitation/provider";
import { orgInvitationInputsSchema, OrgInvitationStateSchema } from "../orgInvitation/schema";
import { provider as projectMembership } from "../projectMembership/provider";
import { ProjectMembershipInputsSchema, ProjectMembershipStateSchema } from "../projectMembership/schema";
import { provider as team } from "../team/provider";
import { TeamInputsSchema, TeamStateSchema } from "../team/schema";
import { provider as teamMembership } from "../teamMembership/provider";
import { TeamMembershipInputsSchema, TeamMembershipStateSchema } from "../teamMembership/schema";
import { provider as teamProjectAccess } from "../teamProjectAccess/provider";
import { TeamProjectAccessInputsSchema, TeamProjectAccessStateSchema } from "../teamProjectAccess/schema";
import { provider as x509Certificate } from "../x509Certificate/provider";
import { X509CertificateInputsSchema, X509CertificateStateSchema } from "../x509Certificate/schema";

/** The package name: type tokens are `atlas-users:index:<Resource>`. */
export const PACKAGE = "atlas-users";

/** A resource's lifecycle, as each `provider/<resource>/provider.ts` exports it (the dynamic provider's shape). */
export interface DynamicImplementation {
  configure(req: ConfigureRequestLike): Promise<void>;
  check(olds: unknown, news: unknown): Promise<{ inputs?: unknown; failures?: { property: string; reason: string }[] }>;
  diff(id: string, olds: unknown, news: unknown): Promise<{ changes?: boolean; replaces?: string[]; stables?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: unknown): Promise<{ id: string; outs?: unknown }>;
  read(id: string, props?: unknown): Promise<{ id?: string; props?: unknown; inputs?: unknown }>;
  update(id: string, olds: unknown, news: unknown): Promise<{ outs?: unknown }>;
  delete(id: string, props: unknown): Promise<void>;
}

export interface ServedResource {
  readonly implementation: DynamicImplementation;
  /** Properties (inputs or outputs) the schemas mark secret: always returned to the engine as secrets. */
  readonly secrets: readonly string[];
  /** Whether the inputs carry `owner` (the stack, `<project>/<stack>`), which the resource class fills in on the dynamic path. */
  readonly hasOwner: boolean;
}

function served(implementation: DynamicImplementation, inputs: z.ZodType, state: z.ZodType): ServedResource {
  const secrets = [...new Set([...secretFieldsOf(inputs), ...secretFieldsOf(state)])];
  return { implementation, secrets, hasOwner: "owner" in (objectFields(inputs) ?? {}) };
}

/** Every resource the plugin serves, by name (the token's last part). */
export const RESOURCES: Readonly<Record<string, ServedResource>> = {
  DatabaseUser: served(databaseUser, DatabaseUserInputsSchema, DatabaseUserStateSchema),
  OrgInvitation: served(orgInvitation, orgInvitationInputsSchema("atlas"), OrgInvitationStateSchema),
  CloudUser: served(cloudUser, CloudUserInputsSchema("atlas", { creating: true }), CloudUserStateSchema),
  ProjectMembership: served(projectMembership, ProjectMembershipInputsSchema, ProjectMembershipStateSchema),
  Team: served(team, TeamInputsSchema, TeamStateSchema),
  TeamMembership: served(teamMembership, TeamMembershipInputsSchema, TeamMembershipStateSchema),
  TeamProjectAccess: served(teamProjectAccess, TeamProjectAccessInputsSchema, TeamProjectAccessStateSchema),
  CustomDbRole: served(customDbRole, CustomDbRoleInputsSchema, CustomDbRoleStateSchema),
  X509Certificate: served(x509Certificate, X509CertificateInputsSchema, X509CertificateStateSchema),
};

export const tokenOf = (name: string): string => `${PACKAGE}:index:${name}`;
