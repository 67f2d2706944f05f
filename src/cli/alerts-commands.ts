import { Option, type Command } from "commander";
import { runAlertsAdd, runAlertsChange, runAlertsHistory, runAlertsList, runAlertsTest } from "./alerts.ts";

/** Declares `lighttrace alerts …` (rules, history, test email) on the program. */
export function addAlertCommands(program: Command): void {
  const data = () => new Option("--data <dir>", "data directory (default ./lighttrace-data; env LIGHTTRACE_DATA_DIR)");
  const many = (value: string, previous: string[] = []) => [...previous, value];
  const alerts = program.command("alerts").description("manage alert rules (email, webhooks) and test the SMTP settings");
  alerts
    .command("list")
    .description("list alert rules")
    .option("--project <slug>", "only this project's rules")
    .addOption(data())
    .option("--json", "machine-readable output")
    .action(runAlertsList);
  alerts
    .command("add")
    .description("add an alert rule: triggers, filters (all must match) and actions")
    .requiredOption("--project <slug>", "the project the rule watches")
    .option("--name <name>", "what the rule is for", "Alert rule")
    .option("--new-issue", "trigger: an issue is seen for the first time")
    .option("--regression", "trigger: a resolved issue happens again")
    .option("--spike <events>", "trigger: at least this many events of an issue in the window …")
    .option("--spike-factor <n>", "… and n times the issue's own baseline (default 5)")
    .option("--spike-window <minutes>", "spike window, 1-60 minutes (default 60)")
    .option("--users <n>", "trigger: at least n users affected in the window")
    .option("--users-window <minutes>", "users window, 1-1440 minutes (default 60)")
    .option("--env <environment>", "filter: only these environments (repeatable)", many)
    .option("--level <level>", "filter: only these levels, e.g. error, fatal (repeatable)", many)
    .option("--tag <key:value>", "filter: the event must have this tag, e.g. team:billing (repeatable)", many)
    .option("--email <addresses>", "action: email these addresses (comma-separated, repeatable)", many)
    .option("--admins", "action: email the users and LIGHTTRACE_ALERT_TO")
    .option("--webhook <url>", "action: POST the generic JSON payload (repeatable)", many)
    .option("--slack <url>", "action: POST a Slack-compatible {\"text\"} payload (repeatable)", many)
    .option("--cooldown <minutes>", "per issue and trigger, at most one alert in this time (default 30)")
    .option("--daily-digest", "also send a daily summary of new and regressed issues")
    .option("--disabled", "create the rule switched off")
    .addOption(data())
    .option("--json", "machine-readable output")
    .action(runAlertsAdd);
  for (const change of ["remove", "enable", "disable"] as const) {
    alerts
      .command(`${change} <id>`)
      .description(`${change} an alert rule`)
      .addOption(data())
      .option("--json", "machine-readable output")
      .action((id: string, flags: { data?: string; json?: boolean }) => runAlertsChange(change, id, flags));
  }
  alerts
    .command("history")
    .description("the latest alert deliveries, with errors and retries")
    .option("--project <slug>", "only this project")
    .option("--limit <n>", "how many (default 20)")
    .addOption(data())
    .option("--json", "machine-readable output")
    .action(runAlertsHistory);
  alerts
    .command("test")
    .description("send a test email with the SMTP settings and say what the server answered")
    .option("--to <address>", "recipient")
    .option("--smtp-url <url>", "SMTP server (env LIGHTTRACE_SMTP_URL), e.g. smtp://user:pass@host:587")
    .option("--smtp-from <address>", "sender (env LIGHTTRACE_SMTP_FROM)")
    .option("--json", "machine-readable output")
    .action(runAlertsTest);
}
