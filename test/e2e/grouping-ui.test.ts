import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"];

/** A Laravel request failing in the app, with Composer's vendor/ frames marked in-app as sentry-php does by default. */
const PHP_EVENT = {
  platform: "php", level: "error",
  exception: { values: [{ type: "ErrorException", value: "Attempt to read property \"name\" on null", stacktrace: { frames: [
    { filename: "vendor/laravel/framework/src/Illuminate/Routing/Controller.php", abs_path: "/var/www/shop/vendor/laravel/framework/src/Illuminate/Routing/Controller.php",
      function: "Illuminate\\Routing\\Controller::callAction", context_line: "return $this->{$method}(...array_values($parameters));", lineno: 54, in_app: true },
    { filename: "app/Http/Controllers/InvoiceController.php", abs_path: "/var/www/shop/app/Http/Controllers/InvoiceController.php",
      function: "App\\Http\\Controllers\\InvoiceController::show", context_line: "return $invoice->customer->name;", lineno: 31, in_app: true },
  ] } }] },
};

describe("grouping in the web UI", () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("edits the project's stack-trace rules: a bad line is named, a good set is saved", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/projects/my-project/`);
    const textarea = page.getByLabel("Stack-trace rules");
    await textarea.waitFor();
    await textarea.fill("stack.module:com.acme.** +app\nstack.funktion:render -group");
    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByText('invalid stack-trace rule on line 2 ("stack.funktion:render -group"): unknown matcher "stack.funktion"').waitFor();
    await textarea.fill("stack.module:com.acme.** +app\nstack.function:render -group");
    await page.getByRole("button", { name: "Save rules" }).click();
    await page.getByRole("status").filter({ hasText: "Saved; new events use them" }).waitFor();
    expect((await t.api("/api/0/projects/lighttrace/my-project/grouping-rules/")).body.stackRules).toBe("stack.module:com.acme.** +app\nstack.function:render -group");
    await page.getByText("Built-in rules (lt-v2), applied first").click();
    expect(await page.locator(".builtin-rules").textContent()).toContain("stack.abs_path:**/vendor/** -app");
    await page.close();
  }, 90_000);

  it("shows on the issue page which frames made the key and which rule left the others out", async () => {
    const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
      method: "POST", headers: { "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}` }, body: JSON.stringify(PHP_EVENT),
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const issueId = (await t.server.store.getEvent(t.projectId, id))!.issueId;

    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await page.goto(`${t.url}/issues/${issueId}/`);
    const panel = page.getByTestId("grouping-info");
    await panel.getByText("lt-v2 · exception (in-app frames) · 1 frame").waitFor();
    await panel.locator("summary").click();
    const key = await panel.locator(".grouping-key").textContent();
    expect(key).toBe("exception (in-app frames)\nErrorException\n  invoicecontroller.php | App\\Http\\Controllers\\InvoiceController::show | return $invoice->customer->name;");
    const rows = panel.locator(".grouping-frames li");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute("data-contributes")).toBe("yes");
    expect(await rows.nth(1).getAttribute("data-contributes")).toBe("no");
    expect(await rows.nth(1).textContent()).toContain('marked not in-app by built-in rule "stack.abs_path:**/vendor/** -app"');
    expect(await panel.locator(".grouping-keys li").count()).toBe(1);
    mkdirSync("/tmp/lighttrace-ui", { recursive: true });
    await page.screenshot({ path: "/tmp/lighttrace-ui/grouping-info.png", fullPage: true });
    await page.close();
  }, 90_000);
});
