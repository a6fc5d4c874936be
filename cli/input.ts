/**
 * Reading the JSON documents the commands take (a preview, a stack's state)
 * from a file or standard input, with errors that say what is wrong with the
 * input and how to produce the right one.
 */
import fs from "node:fs";

/** Bad input: the command prints the message and exits with status 2. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** The text of `file`, or of standard input when `file` is undefined or `-`. */
export function readInput(file: string | undefined, stdin: () => string = readStdin): string {
  if (file === undefined || file === "-") return stdin();
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(err)})`);
  }
}

function readStdin(): string {
  if (process.stdin.isTTY) throw new InputError("no input: give a file name, or pipe the JSON in");
  return fs.readFileSync(0, "utf8");
}

/**
 * Parses a JSON document; `what` names it and `produce` says how to make one
 * (both for the messages). A document cut short is reported as truncated.
 */
export function parseJsonDocument(text: string, what: string, produce: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") throw new InputError(`the input is empty: expected ${what} (${produce})`);
  try {
    return JSON.parse(trimmed);
  } catch (err) {
    const message = (err as Error).message;
    if (/end of (JSON )?input|Unterminated|Expected .* after|Expected ',' or/i.test(message) && looksCut(trimmed)) {
      throw new InputError(
        `the input ends in the middle of a JSON document (${trimmed.length} characters): it looks truncated. ` +
          `Expected ${what} (${produce}); save the command's whole output.`,
      );
    }
    const start = trimmed.slice(0, 40).replace(/\s+/g, " ");
    throw new InputError(`the input is not JSON (${message}; it starts with ${JSON.stringify(start)}): expected ${what} (${produce})`);
  }
}

/** Whether the text is a JSON document that stops before its brackets close. */
function looksCut(text: string): boolean {
  if (!text.startsWith("{") && !text.startsWith("[")) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return depth > 0 || inString;
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
