export { Team, type TeamArgs } from "./resource";
