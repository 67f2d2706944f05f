import { Command, InvalidArgumentError, Option } from "commander";
import { runServe } from "./serve.ts";
import { runProjectsCreate, runProjectsList } from "./projects.ts";
import { runTokensCreate, runTokensList, runTokensRevoke } from "./tokens.ts";
import { runTeamsAddMember, runTeamsCreate, runTeamsDelete, runTeamsList, runTeamsRemoveMember } from "./teams.ts";
import { runUsersCreate, runUsersDelete, runUsersList, runUsersSignOut } from "./users.ts";
import { runExplain } from "./explain.ts";
import { addAlertCommands } from "./alerts-commands.ts";
import { LIGHTTRACE_VERSION } from "../version.ts";
import { runSelftestBomb } from "./selftest.ts";
import { runBackup } from "./backup.ts";
import { runDbCopy } from "./db-copy.ts";
import { runSourcemapsUpload } from "./sourcemaps-upload.ts";

/** The `lighttrace` command line: declares the commands and maps each to a cli/* function. */
export function buildProgram(): Command {
  const program = new Command("lighttrace")
    .description("LightTrace: a single-binary, local-first error tracker that speaks the Sentry protocol")
    .version(`${LIGHTTRACE_VERSION} (node ${process.version})`, "-V, --version", "print the LightTrace and Node versions")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command("serve")
    .description("run the ingest endpoint, the web API and the UI")
    .addOption(new Option("--host <host>", "interface to bind (default 127.0.0.1; env LIGHTTRACE_HOST)"))
    .addOption(new Option("--port <port>", "TCP port (default 8000; env LIGHTTRACE_PORT)").argParser(_port))
    .addOption(_dataOption())
    .addOption(new Option("--public-url <url>", "URL SDKs use to reach this server (env LIGHTTRACE_PUBLIC_URL)"))
    .addOption(new Option("--open-local", "sign browsers on this machine in without a password even when a public URL is set (env LIGHTTRACE_OPEN_LOCAL=on)"))
    .addOption(new Option("--no-open-local", "never sign in without a password, not even on loopback (env LIGHTTRACE_OPEN_LOCAL=off)"))
    .addOption(new Option("--events-per-minute <n>", "default error events per minute per project, 0 = off (env LIGHTTRACE_EVENTS_PER_MINUTE)").argParser(_count))
    .addOption(new Option("--monthly-quota <n>", "default error events per project per month, 0 = off (env LIGHTTRACE_MONTHLY_QUOTA)").argParser(_count))
    .addOption(new Option("--alert-to <addresses>", "comma-separated addresses every project's default alert rule mails (env LIGHTTRACE_ALERT_TO)"))
    .addOption(new Option("--smtp-url <url>", "SMTP server for alerts, e.g. smtp://user:pass@host:587 (env LIGHTTRACE_SMTP_URL)"))
    .addOption(new Option("--smtp-from <address>", "sender of alert emails (env LIGHTTRACE_SMTP_FROM)"))
    .addOption(new Option("--base-url <url>", "base of links in alerts (env LIGHTTRACE_BASE_URL; default: the server's address)"))
    .action(runServe);

  const projects = program.command("projects").description("manage projects and their DSNs");
  projects
    .command("create <slug>")
    .description("create a project and print its DSN")
    .option("--name <name>", "display name (default: the slug)")
    .option("--platform <platform>", "platform, e.g. node, javascript, python")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runProjectsCreate);
  projects
    .command("list")
    .description("list projects with their DSNs")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runProjectsList);

  const tokens = program.command("tokens").description("manage API tokens (Authorization: Bearer …)");
  tokens
    .command("create")
    .description("create an API token and print it (shown once)")
    .option("--name <name>", "what the token is for", "cli")
    .option("--scope <level>", "read (GET only), write (changes, releases, uploads) or admin (also limits and settings)", "write")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runTokensCreate);
  tokens
    .command("list")
    .description("list API tokens (names and hints, never the tokens)")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runTokensList);
  tokens
    .command("revoke <id>")
    .description("revoke an API token by the id tokens list shows (its next request is refused)")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runTokensRevoke);

  const users = program.command("users").description("manage web UI users (needed when the server is not on loopback)");
  users
    .command("create <email>")
    .description("create a user; the password comes from --password or the first line of stdin")
    .option("--password <password>", "the password (prefer stdin: it stays out of shell history)")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runUsersCreate);
  users
    .command("list")
    .description("list users")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runUsersList);
  users
    .command("delete <user>")
    .description("delete a user (by email or id) and sign out every browser of theirs")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runUsersDelete);
  users
    .command("sign-out <user>")
    .description("sign a user (by email or id) out of every browser; the account and password stay")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runUsersSignOut);

  const teams = program.command("teams").description("manage teams: groups of member emails that ownership rules (#slug), assignment and alerts name");
  teams.command("list").description("list teams and their members").addOption(_dataOption()).option("--json", "machine-readable output").action(runTeamsList);
  teams.command("create <slug>").description("create a team").option("--name <name>", "display name (default: the slug)")
    .addOption(_dataOption()).option("--json", "machine-readable output").action(runTeamsCreate);
  teams.command("delete <slug>").description("delete a team (issues assigned to it become unassigned)")
    .addOption(_dataOption()).option("--json", "machine-readable output").action(runTeamsDelete);
  teams.command("add-member <slug> <emails...>").description("add member emails (they need not be LightTrace users)")
    .addOption(_dataOption()).option("--json", "machine-readable output").action(runTeamsAddMember);
  teams.command("remove-member <slug> <email>").description("remove a member email")
    .addOption(_dataOption()).option("--json", "machine-readable output").action(runTeamsRemoveMember);

  program
    .command("explain <issue-id>")
    .description("explain an issue's latest event: offline rules, or the LLM set by LIGHTTRACE_AI_URL/_MODEL/_KEY")
    .option("--event <event-id>", "explain this event instead of the latest")
    .option("--regenerate", "ignore the cached explanation")
    .option("--offline", "use only the built-in analyser, even when an LLM is configured")
    .option("--show-prompt", "print exactly what would be sent to the LLM, and send nothing")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runExplain);
  program
    .command("mcp")
    .description("serve MCP over stdio for coding agents: LightTrace's issues, events, traces, releases and Explain as tools")
    .option("--url <url>", "a running LightTrace (env LIGHTTRACE_URL); otherwise the data directory on this machine is opened")
    .option("--token <token>", "API token for --url (env LIGHTTRACE_TOKEN); its scope decides what the tools may change")
    .addOption(_dataOption())
    .addOption(new Option("--scope <level>", "with the local data directory: read (look only) or write (may resolve issues)").choices(["read", "write"]))
    // loaded on use: the MCP SDK stays out of every other command's start-up
    .action(async (flags: unknown) => (await import("./mcp.ts")).runMcp(flags));
  addAlertCommands(program);

  const selftest = program.command("selftest").description("check this build's defences on this machine");
  selftest
    .command("bomb")
    .description("send gzip/deflate/br decompression bombs (1 GiB each) to a throw-away server: expect 413 and flat memory")
    .addOption(new Option("--size <mib>", "decompressed size of each bomb in MiB (default 1024)").argParser(_count))
    .option("--json", "machine-readable output")
    .action(runSelftestBomb);
  program
    .command("backup <file>")
    .description("copy the database to <file> with SQLite's online backup (safe while the server runs)")
    .addOption(_dataOption())
    .option("--json", "machine-readable output")
    .action(runBackup);

  const database = program.command("db").description("move an installation between databases");
  database
    .command("copy")
    .description("copy a SQLite data directory into an empty PostgreSQL database, with a row-count check per table")
    .addOption(_dataOption())
    .requiredOption("--to <url>", "the PostgreSQL database: postgres://user:pass@host:5432/db (migrated, must be empty)")
    .option("--json", "machine-readable output")
    .action(runDbCopy);

  const sourcemaps = program.command("sourcemaps").description("upload source maps to a running server (what sentry-cli sourcemaps upload does)");
  sourcemaps
    .command("upload <dir>")
    .description("pair the minified files under <dir> with their source maps and upload them for a release")
    .requiredOption("--release <release>", "the release the files belong to (as the SDK reports it)")
    .option("--project <project>", "project slug (default: LIGHTTRACE_PROJECT, SENTRY_PROJECT, or the server's only project)")
    .option("--url-prefix <prefix>", "URL prefix the files are served under; ~/ matches any host", "~/")
    .option("--dist <dist>", "distribution identifier, when the SDK sets one")
    .option("--org <org>", "organization slug (default: from the token, or the server's)")
    .option("--url <url>", "server URL (default: LIGHTTRACE_URL, SENTRY_URL, or the one in the token)")
    .option("--auth-token <token>", "API token (default: LIGHTTRACE_AUTH_TOKEN or SENTRY_AUTH_TOKEN)")
    .action(runSourcemapsUpload);

  const all = [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)];
  for (const cmd of all) {
    cmd.showHelpAfterError("(run with --help for usage)");
    // every command that opens the store opens the same one: SQLite in --data, or PostgreSQL
    const has = (flag: string) => cmd.options.some((o) => o.long === flag);
    if (has("--data") && !has("--database") && !has("--to")) cmd.addOption(_databaseOption());
  }
  // --database is LIGHTTRACE_DATABASE_URL for this command: config is read from the environment
  // by one rule (src/config.ts), so every store-opening command, present and future, honours it
  program.hook("preAction", (_program, action) => {
    const url = (action.opts() as { database?: unknown }).database;
    if (typeof url === "string") process.env.LIGHTTRACE_DATABASE_URL = url;
  });
  return program;
}

// --- Internal ---

function _dataOption(): Option {
  return new Option("--data <dir>", "data directory (default ./lighttrace-data; env LIGHTTRACE_DATA_DIR)");
}

function _databaseOption(): Option {
  return new Option("--database <url>", "PostgreSQL instead of SQLite in --data: postgres://user:pass@host:5432/db (env LIGHTTRACE_DATABASE_URL; the password may come from PGPASSWORD)");
}

function _count(value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new InvalidArgumentError("must be a whole number (0 = off)");
  return Number(value);
}

function _port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("must be a port number between 0 and 65535");
  return n;
}
