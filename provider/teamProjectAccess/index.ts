export { TeamProjectAccess, type TeamProjectAccessArgs } from "./resource";
