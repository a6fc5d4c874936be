/** The DatabaseUser resource: MongoDB Atlas database users, permanent or temporary. */
export { DatabaseUser } from "./resource";
export type {
  DatabaseUserArgs,
  DatabaseUserLabelArgs,
  DatabaseUserRoleArgs,
  DatabaseUserRoleOutput,
  DatabaseUserScopeArgs,
} from "./resource";
