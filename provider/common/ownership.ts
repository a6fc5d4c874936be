/**
 * Ownership of identities that cannot carry a mark. Database users carry the
 * owning stack in a label (see `databaseUser/schema.ts` `OWNER_LABEL`); cloud
 * accounts, org memberships and invitations have no field for it, so an
 * "already exists" message can only warn that someone else may manage it.
 */

/** The sentence an "already exists" error ends with, for an identity that cannot say who manages it. */
export function ownerUnknown(what: string): string {
  return `Another Pulumi stack, tool or person may manage this ${what} (no ${what} can carry an owner mark): adopt it only if this stack is to manage it from now on`;
}
