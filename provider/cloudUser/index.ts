export { CloudUser, type CloudUserArgs, type CloudUserRoleArgs, type CloudUserRoleState } from "./resource";
export type { CloudUserPlatform } from "./roles";
