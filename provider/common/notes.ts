/**
 * Notes from inside the provider to the person running `pulumi`.
 *
 * The dynamic-provider host has no engine logger, but the engine shows each
 * line a provider plugin writes to stderr as a diagnostic message of the
 * update. So a note is one stderr line, prefixed so it reads as ours. Never
 * pass a secret here.
 */
export function note(message: string): void {
  process.stderr.write(`pulumi-atlas-users: ${message.replace(/\s*\n\s*/g, " ")}\n`);
}
