/** The CustomDbRole resource: custom database roles of an Atlas project. */
export { CustomDbRole } from "./resource";
export type {
  CustomDbRoleActionArgs,
  CustomDbRoleActionOutput,
  CustomDbRoleArgs,
  CustomDbRoleInheritedRoleArgs,
  CustomDbRoleResourceArgs,
} from "./resource";
