/** Wire types of alert rules (`/projects/{org}/{project}/rules/`) and their delivery history. */

export type ApiAlertAction =
  | {
    type: "email"; to: string[]; includeAdmins: boolean;
    /** Sentry's targets: the issue's owners (by ownership rules), a team's members, one member */
    targetType?: "IssueOwners" | "Team" | "Member";
    /** with Team: the team slug; with Member: the email */
    targetIdentifier?: string;
    /** with IssueOwners when no rule matches: `to` and the admins (ActiveMembers, AllMembers) or nobody (NoOne) */
    fallthroughType?: "ActiveMembers" | "AllMembers" | "NoOne";
  }
  | { type: "webhook"; url: string; format: "json" | "slack" };

/** What a rule is; also the body of POST/PUT (the server fills defaults and names what is wrong). */
export interface ApiAlertRuleDefinition {
  triggers: {
    newIssue: boolean;
    regression: boolean;
    spike: { windowMinutes: number; minEvents: number; factor: number } | null;
    usersAffected: { windowMinutes: number; minUsers: number } | null;
  };
  filters: { environments: string[]; levels: ("fatal" | "error" | "warning" | "info" | "debug")[]; tags: string[] };
  actions: ApiAlertAction[];
  /** cooldown in minutes per issue, rule and trigger */
  frequency: number;
  dailyDigest: boolean;
}

export interface ApiAlertRule extends ApiAlertRuleDefinition {
  id: string;
  name: string;
  status: "active" | "disabled";
  isDefault: boolean;
  projects: string[];
  dateCreated: string;
  dateUpdated: string;
}

/** One alert of the outbox (`GET /projects/{org}/{project}/alert-deliveries/`). */
export interface ApiAlertDelivery {
  id: string;
  ruleId: string;
  issueId: string | null;
  eventId: string | null;
  trigger: string;
  action: ApiAlertAction;
  /** held: over the action's hourly cap, waiting for the digest that collapses it; skipped: not sent on purpose */
  status: "pending" | "sent" | "held" | "collapsed" | "failed" | "skipped";
  attempts: number;
  lastError: string | null;
  dateCreated: string;
  dateSent: string | null;
  /** when a pending alert is tried next */
  nextAttempt: string | null;
}

/** `POST /organizations/{org}/alerts/test-email/`: what happened, in words. */
export interface ApiTestEmailResult {
  sent: boolean;
  message: string;
}

/** A condition or action of a Sentry workflow: its type and its settings. */
export interface ApiWorkflowComponent {
  id: string;
  type: string;
  comparison?: unknown;
  conditionResult?: boolean;
  config?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/**
 * An alert rule as Sentry's workflow engine lists it (`GET /organizations/{org}/workflows/`):
 * triggers (any fires), then filters that must all match and the actions they run. LightTrace's
 * rules are issue alert rules attached to their project's error detection (`detectorIds`).
 */
export interface ApiWorkflow {
  id: string;
  name: string;
  organizationId: string;
  enabled: boolean;
  status: "active" | "disabled";
  environment: string | null;
  config: { frequency: number };
  frequency: number;
  triggers: { id: string; logicType: "any-short"; conditions: ApiWorkflowComponent[]; actions: [] };
  actionFilters: { id: string; logicType: "all"; conditions: ApiWorkflowComponent[]; actions: ApiWorkflowComponent[] }[];
  actionMatch: "any";
  filterMatch: "all";
  detectorIds: string[];
  projects: string[];
  owner: null;
  createdBy: null;
  dateCreated: string;
  dateUpdated: string;
  lastTriggered: string | null;
}
