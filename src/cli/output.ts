import { ConfigError } from "../config.ts";

/** Prints an error the way every command does (one line, stderr) and exits 1. */
export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/** Runs config loading; a bad flag or environment value becomes a one-line error, not a stack trace. */
fail.onConfigError = <T>(load: () => T): T => {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
};

/** Prints `value` as JSON (for --json) or the human lines. */
export function print(json: boolean | undefined, value: unknown, lines: () => string[]): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + "\n" : lines().join("\n") + "\n");
}
