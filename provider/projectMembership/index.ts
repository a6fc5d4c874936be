export { ProjectMembership, type ProjectMembershipArgs } from "./resource";
