/**
 * Team inputs and outputs: the zod schemas are the one source of the
 * validation, the types and the docs tables.
 */
import { z } from "zod";
import { adoptField, hexId, platformField, required } from "../common/fields";
import type { SameKeys } from "../common/types";
import { PLATFORMS, type Platform } from "../platform";

export const TeamInputsSchema = z.strictObject({
  orgId: hexId("organization").describe("The organization (24 hexadecimal digits). Changing it replaces the team."),
  name: z
    .string({ error: required("the team's name") })
    .trim()
    .min(1, "must not be empty")
    .max(64, "must be at most 64 characters")
    .describe("The team's name, unique in the organization (letter case aside). Renaming is an update in place."),
  adopt: adoptField().describe("If a team with this name already exists, manage it instead of failing. Destroying the resource then deletes it."),
  platform: platformField().describe("Overrides the stack's `atlasUsers:platform` for this resource (teams: Atlas only)."),
});

/** Normalised inputs, as `check` returns them. */
export type TeamInputs = z.output<typeof TeamInputsSchema>;
/** Inputs as a program writes them (defaults optional). */
export type TeamInputsIn = z.input<typeof TeamInputsSchema>;

export interface TeamState extends TeamInputs {
  teamId: string;
}

/** The outputs (state): the source of the outputs table in `docs/resources/team.md`. */
export const TeamStateSchema = z.object({
  orgId: z.string(),
  name: z.string().describe("As the API last reported it (a refresh shows a rename made outside Pulumi)."),
  adopt: z.boolean(),
  platform: z.enum(PLATFORMS as readonly [Platform, ...Platform[]]).optional(),
  teamId: z.string().describe("The team's 24-hexadecimal id: give it to `TeamMembership` and `TeamProjectAccess`."),
});

const stateSchemaMatchesState: SameKeys<z.output<typeof TeamStateSchema>, TeamState> = true;
void stateSchemaMatchesState;
