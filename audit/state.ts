/**
 * What a stack declares, from its state (`pulumi stack export`): per type
 * token ({@link DECLARES}), the identities each resource of this package
 * stands for, and so the projects and organizations the stack touches.
 */
import { InputError, isRecord, parseJsonDocument } from "../cli/input";
import { TYPE_PREFIX } from "../review/preview";

export interface DeclaredDatabaseUser {
  projectId: string;
  databaseName: string;
  username: string;
  resource: string;
}

export interface DeclaredMember {
  /** An organization id or a project id, by the list it is in. */
  where: string;
  username: string;
  resource: string;
}

export interface DeclaredTeamMember {
  orgId: string;
  teamId: string;
  username: string;
  resource: string;
}

/** An X509Certificate: one certificate Atlas issued (from the resource's outputs: its serial number and end). */
export interface DeclaredCertificate {
  projectId: string;
  username: string;
  serialNumber: string;
  notAfter?: string;
  resource: string;
}

export interface Declared {
  projects: Set<string>;
  orgs: Set<string>;
  databaseUsers: DeclaredDatabaseUser[];
  orgMembers: DeclaredMember[];
  projectMembers: DeclaredMember[];
  teamMembers: DeclaredTeamMember[];
  certificates: DeclaredCertificate[];
  /** Every resource of this package in the state (for the report's header). */
  resources: number;
}

type Props = Record<string, unknown>;
/** `props` are the resource's inputs (what is declared); `outputs` what the provider recorded (ids Atlas assigned). */
type DeclareFn = (props: Props, resource: string, into: Declared, outputs: Props) => void;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const list = (v: unknown): Props[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function member(into: DeclaredMember[], scope: Set<string>, where: unknown, username: unknown, resource: string): void {
  const w = str(where);
  const u = str(username);
  if (!w || !u) return;
  scope.add(w);
  into.push({ where: w, username: u, resource });
}

/** What each type of resource declares, by type token (a new resource type adds its entry here). */
export const DECLARES: Readonly<Record<string, DeclareFn>> = {
  [`${TYPE_PREFIX}DatabaseUser`]: (p, resource, into, o) => {
    const projectId = str(p.projectId);
    const username = str(p.username);
    if (!projectId || !username) return;
    into.projects.add(projectId);
    // An omitted databaseName is the auth type's (`$external` for X.509, LDAP, AWS IAM): the outputs hold it.
    into.databaseUsers.push({ projectId, databaseName: str(p.databaseName) ?? str(o.databaseName) ?? "admin", username, resource });
  },
  [`${TYPE_PREFIX}OrgInvitation`]: (p, resource, into) => {
    member(into.orgMembers, into.orgs, p.orgId, p.username, resource);
    for (const pr of list(p.projectRoles)) member(into.projectMembers, into.projects, pr.projectId, p.username, resource);
  },
  [`${TYPE_PREFIX}CloudUser`]: (p, resource, into) => {
    for (const r of list(p.roles)) {
      if (str(r.orgId)) member(into.orgMembers, into.orgs, r.orgId, p.username, resource);
      if (str(r.projectId)) member(into.projectMembers, into.projects, r.projectId, p.username, resource);
    }
  },
  [`${TYPE_PREFIX}ProjectMembership`]: (p, resource, into) => member(into.projectMembers, into.projects, p.projectId, p.username, resource),
  // A team, its access to a project and a custom role declare no person: they put the org or project in scope.
  [`${TYPE_PREFIX}Team`]: (p, _resource, into) => inScope(into.orgs, p.orgId),
  [`${TYPE_PREFIX}TeamProjectAccess`]: (p, _resource, into) => inScope(into.projects, p.projectId),
  [`${TYPE_PREFIX}CustomDbRole`]: (p, _resource, into) => inScope(into.projects, p.projectId),
  // A person in a team (their org membership is someone else's: an OrgInvitation, a CloudUser).
  [`${TYPE_PREFIX}TeamMembership`]: (p, resource, into, o) => {
    const orgId = str(p.orgId);
    const teamId = str(p.teamId) ?? str(o.teamId);
    const username = str(p.username);
    if (!orgId || !teamId || !username) return;
    into.orgs.add(orgId);
    into.teamMembers.push({ orgId, teamId, username, resource });
  },
  [`${TYPE_PREFIX}X509Certificate`]: (p, resource, into, o) => {
    const projectId = str(p.projectId);
    const username = str(p.username);
    const serialNumber = str(o.serialNumber);
    if (!projectId || !username || !serialNumber) return;
    into.projects.add(projectId);
    const notAfter = str(o.notAfter);
    into.certificates.push({ projectId, username, serialNumber, ...(notAfter ? { notAfter } : {}), resource });
  },
};

function inScope(scope: Set<string>, id: unknown): void {
  const w = str(id);
  if (w) scope.add(w);
}

/** Any other type of this package (newer than this table): a `projectId` / `orgId` with a `username`. */
const declareGeneric: DeclareFn = (p, resource, into) => {
  member(into.projectMembers, into.projects, p.projectId, p.username, resource);
  member(into.orgMembers, into.orgs, p.orgId, p.username, resource);
};

const WHAT = "a stack's state, the JSON of `pulumi stack export`";
const PRODUCE = "`pulumi stack export --file state.json`";

/** Parses a `pulumi stack export` document and returns what the stack's resources of this package declare. */
export function readState(text: string): Declared {
  const doc = parseJsonDocument(text, WHAT, PRODUCE);
  if (!isRecord(doc)) throw new InputError(`the input is JSON but not a stack's state: expected ${WHAT} (${PRODUCE})`);
  if (Array.isArray(doc.steps)) {
    throw new InputError("the input is a preview (`pulumi preview --json`), not a stack's state: `audit` reads `pulumi stack export`; `review` reads a preview");
  }
  const deployment = doc.deployment ?? doc.checkpoint;
  if (!isRecord(deployment)) {
    throw new InputError(`the input is JSON but not a stack's state: it has no "deployment" (its keys: ${Object.keys(doc).slice(0, 8).join(", ") || "none"}). Expected ${WHAT} (${PRODUCE})`);
  }
  const resources = Array.isArray(deployment.resources) ? deployment.resources.filter(isRecord) : [];
  const declared: Declared = { projects: new Set(), orgs: new Set(), databaseUsers: [], orgMembers: [], projectMembers: [], teamMembers: [], certificates: [], resources: 0 };
  const otherTypes = new Set<string>();
  for (const r of resources) {
    const type = String(r.type ?? "");
    if (!type.startsWith(TYPE_PREFIX)) {
      if (type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:")) otherTypes.add(type);
      continue;
    }
    declared.resources++;
    // The inputs say what is declared (an OrgInvitation's outputs also list project roles it does not manage).
    const outputs = isRecord(r.outputs) ? r.outputs : {};
    const props = isRecord(r.inputs) ? r.inputs : outputs;
    const name = String(r.urn ?? "").split("::").pop() ?? "";
    (DECLARES[type] ?? declareGeneric)(props, name, declared, outputs);
  }
  if (declared.resources === 0) {
    const seen = [...otherTypes].slice(0, 5);
    throw new InputError(
      resources.length === 0 || seen.length === 0
        ? "the stack's state holds no resources of pulumi-atlas-users: nothing to audit (is this the right stack?)"
        : `the stack's state holds no resources of pulumi-atlas-users, only other providers' (${seen.join(", ")}${otherTypes.size > 5 ? ", …" : ""}): is this the right stack?`,
    );
  }
  return declared;
}
