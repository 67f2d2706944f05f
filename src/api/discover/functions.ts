import { QuerySyntaxError } from "../search-syntax.ts";
import type { FieldSpec, FieldType, FieldValue } from "./fields.ts";

/** An aggregate function of the errors dataset, as requested (`count()`, `count_unique(user)`…). */
export interface FunctionSpec {
  /** the field name exactly as requested: the key of its value in every row */
  name: string;
  fn: "count" | "count_unique" | "last_seen" | "first_seen" | "max" | "min" | "count_if" | "eps" | "epm";
  /** the field it reads (count_unique, max, min, count_if) */
  arg?: FieldSpec;
  /** count_if: the comparison and value */
  condition?: { equals: boolean; value: string };
  type: FieldType;
}

/** Functions LightTrace computes for error events. */
export const SUPPORTED_FUNCTIONS = ["count()", "count_unique(field)", "count_if(field,equals|notEquals,value)", "last_seen()", "first_seen()", "max(timestamp)", "min(timestamp)", "eps()", "epm()"];

/** `fn(args)` → its name and arguments; undefined for a plain field. */
export function splitFunction(name: string): { fn: string; args: string[] } | undefined {
  const m = /^([a-z_0-9]+)\((.*)\)$/i.exec(name.trim());
  if (!m) return undefined;
  const args = m[2]!.trim() === "" ? [] : m[2]!.split(",").map((a) => a.trim());
  return { fn: m[1]!, args };
}

/**
 * Resolves a function field; 400 (QuerySyntaxError) names one LightTrace does not compute.
 * `field` resolves an argument to its field.
 */
export async function resolveFunction(name: string, call: { fn: string; args: string[] }, field: (n: string) => Promise<FieldSpec>): Promise<FunctionSpec> {
  const { fn, args } = call;
  const noArgs = (type: FieldType, spec: Omit<FunctionSpec, "name" | "type">): FunctionSpec => {
    if (args.length) throw new QuerySyntaxError(`${fn}() takes no arguments`);
    return { name, type, ...spec };
  };
  switch (fn) {
    case "count": return noArgs("integer", { fn: "count" });
    case "last_seen": return noArgs("date", { fn: "last_seen" });
    case "first_seen": return noArgs("date", { fn: "first_seen" });
    case "eps": return noArgs("number", { fn: "eps" });
    case "epm": return noArgs("number", { fn: "epm" });
    case "count_unique":
      if (args.length !== 1) throw new QuerySyntaxError("count_unique takes one field, as count_unique(user)");
      return { name, type: "integer", fn: "count_unique", arg: await field(args[0]!) };
    case "max":
    case "min":
      if (args.length !== 1 || args[0] !== "timestamp") throw new QuerySyntaxError(`${fn}() is computed for timestamp only in the errors dataset`);
      return { name, type: "date", fn, arg: await field("timestamp") };
    case "count_if": {
      if (args.length !== 3 || !["equals", "notEquals"].includes(args[1]!)) throw new QuerySyntaxError("count_if takes a field, equals or notEquals, and a value: count_if(error.handled,equals,false)");
      return { name, type: "integer", fn: "count_if", arg: await field(args[0]!), condition: { equals: args[1] === "equals", value: args[2]! } };
    }
    default:
      throw new QuerySyntaxError(`unsupported function "${name.slice(0, 60)}" (supported: ${SUPPORTED_FUNCTIONS.join(", ")})`);
  }
}

/** Whether a value satisfies count_if's condition (lists: any element; booleans by their usual spellings). */
export function countIfMatches(value: FieldValue, condition: { equals: boolean; value: string }): boolean {
  const want = /^(true|1|yes)$/i.test(condition.value) ? "true" : /^(false|0|no)$/i.test(condition.value) ? "false" : condition.value;
  const hit = value === null ? false : Array.isArray(value) ? value.some((v) => String(v) === want) : String(value) === want;
  return hit === condition.equals;
}
