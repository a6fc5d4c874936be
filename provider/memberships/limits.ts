/**
 * MongoDB Cloud's membership limits, as the API names them when a change
 * would pass one (the Atlas error table's codes; the teams limits from the
 * spec's text), each with what to do about it.
 */
import { hasErrorCode } from "../client/errors";

const LIMITS: readonly (readonly [code: string, hint: string])[] = [
  ["MAX_USERS_PER_ORG_EXCEEDED", "An organization holds at most 500 people (pending invitations count): remove members or cancel invitations first"],
  ["MAX_USERS_PER_GROUP_EXCEEDED", "A project holds at most 500 people (pending invitations count): take someone out of the project first"],
  ["MAX_USERS_PER_TEAM_EXCEEDED", "A team holds at most 250 people: take someone out of the team first"],
  ["MAX_TEAMS_PER_ORG_EXCEEDED", "An organization holds at most 250 teams: delete a team first"],
  ["MAX_TEAMS_PER_GROUP_EXCEEDED", "A project gives access to at most 100 teams: remove a team from the project first"],
];

/** What to do about a limit the API reported; undefined for any other error. */
export function limitHint(err: unknown): string | undefined {
  return LIMITS.find(([code]) => hasErrorCode(err, code))?.[1];
}
