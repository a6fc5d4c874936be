export { CloudUser, type CloudUserArgs, type CloudUserRoleArgs, type CloudUserRoleState } from "./resource";
export type { Platform as CloudUserPlatform } from "../platform";
