import { z } from "zod";

/** Sentry's slug rules: lowercase letters, digits, dashes and underscores, not only digits. */
export const PROJECT_SLUG = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "use 1-50 lowercase letters, digits, '-' or '_', starting with a letter or digit")
  .refine((s) => !/^\d+$/.test(s), "a slug cannot be only digits (it would look like a project id)");

/** "My Shop API!" → "my-shop-api" (Sentry's slugify: lowercase, dashes, at most 50 characters). */
export function slugify(name: string): string {
  const slug = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-").replace(/^[-_]+|[-_]+$/g, "").slice(0, 50).replace(/[-_]+$/, "");
  return /^\d+$/.test(slug) ? `project-${slug}` : slug;
}
