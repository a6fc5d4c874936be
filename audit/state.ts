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

export interface Declared {
  projects: Set<string>;
  orgs: Set<string>;
  databaseUsers: DeclaredDatabaseUser[];
  orgMembers: DeclaredMember[];
  projectMembers: DeclaredMember[];
  /** Every resource of this package in the state (for the report's header). */
  resources: number;
}

type Props = Record<string, unknown>;
type DeclareFn = (props: Props, resource: string, into: Declared) => void;

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
  [`${TYPE_PREFIX}DatabaseUser`]: (p, resource, into) => {
    const projectId = str(p.projectId);
    const username = str(p.username);
    if (!projectId || !username) return;
    into.projects.add(projectId);
    into.databaseUsers.push({ projectId, databaseName: str(p.databaseName) ?? "admin", username, resource });
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
};

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
  const declared: Declared = { projects: new Set(), orgs: new Set(), databaseUsers: [], orgMembers: [], projectMembers: [], resources: 0 };
  const otherTypes = new Set<string>();
  for (const r of resources) {
    const type = String(r.type ?? "");
    if (!type.startsWith(TYPE_PREFIX)) {
      if (type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:")) otherTypes.add(type);
      continue;
    }
    declared.resources++;
    // The inputs say what is declared (an OrgInvitation's outputs also list project roles it does not manage).
    const props = isRecord(r.inputs) ? r.inputs : isRecord(r.outputs) ? r.outputs : {};
    const name = String(r.urn ?? "").split("::").pop() ?? "";
    (DECLARES[type] ?? declareGeneric)(props, name, declared);
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
