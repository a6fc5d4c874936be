export { TeamMembership, type TeamMembershipArgs } from "./resource";
