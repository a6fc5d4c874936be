export { OrgInvitation, type OrgInvitationArgs, type OrgInvitationProjectRoles, type OrgRoleName } from "./resource";
