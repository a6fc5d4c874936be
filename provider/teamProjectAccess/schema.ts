/** TeamProjectAccess inputs and outputs: one team's roles in one project. */
import { z } from "zod";
import { adoptField, hexId, platformField, projectRoleList } from "../common/fields";
import type { SameKeys } from "../common/types";
import { PLATFORMS, type Platform } from "../platform";

export const TeamProjectAccessInputsSchema = z.strictObject({
  projectId: hexId("project").describe("The project (24 hexadecimal digits). Changing it replaces the resource."),
  teamId: hexId("team").describe("The team (a `Team`'s `teamId`), of the project's organization. Changing it replaces the resource."),
  roles: projectRoleList("atlas").describe("At least one Atlas project role, each once; order does not matter. Updated in place (the team's whole role set)."),
  adopt: adoptField().describe("If the team already has access to the project, manage it instead of failing. Destroying the resource then removes that access."),
  platform: platformField().describe("Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only)."),
});

export type TeamProjectAccessInputs = z.output<typeof TeamProjectAccessInputsSchema>;
export type TeamProjectAccessInputsIn = z.input<typeof TeamProjectAccessInputsSchema>;
export type TeamProjectAccessState = TeamProjectAccessInputs;

/** The outputs (state): the source of the outputs table in `docs/resources/team-project-access.md`. */
export const TeamProjectAccessStateSchema = z.object({
  projectId: z.string(),
  teamId: z.string(),
  roles: z.array(z.string()).describe("As the API last reported them, sorted (a refresh shows roles changed outside Pulumi)."),
  adopt: z.boolean(),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]]).optional(),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof TeamProjectAccessStateSchema>, TeamProjectAccessState> = true;
void stateSchemaMatchesState;
