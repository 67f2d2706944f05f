/** Wire types of ownership rules (Sentry's `ProjectOwnership` serializer). */

export interface ApiOwnershipRule {
  matcher: { type: "path" | "module" | "url" | string; pattern: string };
  owners: { type: "user" | "team"; identifier: string }[];
}

/** `GET/PUT /projects/{org}/{project}/ownership/` */
export interface ApiOwnership {
  raw: string;
  fallthrough: boolean;
  autoAssignment: "Auto Assign to Issue Owner" | "Turn off Auto-Assignment";
  codeownersAutoSync: false;
  isActive: true;
  dateCreated: string | null;
  lastUpdated: string | null;
  schema: { $version: 1; rules: ApiOwnershipRule[] };
}
