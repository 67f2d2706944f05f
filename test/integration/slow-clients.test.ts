import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * A client cannot hold a connection by sending slowly: headers must arrive within
 * `headersTimeoutMs`, a body must keep moving (`bodyIdleTimeoutMs` between pieces), and past
 * `maxConnections` new connections are closed at once. Short limits here; the defaults are 10 s,
 * 15 s and 512.
 */
describe("slow clients", () => {
  let t: TestServer;
  let llm: Server;
  const open: Socket[] = [];
  const dial = async () => {
    const socket = connect(t.server.port, "127.0.0.1");
    open.push(socket);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return socket;
  };
  /** What the server sent before it closed the connection, or "still open" after `withinMs`. */
  const closedBy = (socket: Socket, withinMs: number) => new Promise<string>((resolve) => {
    let received = "";
    socket.on("data", (d) => (received += d));
    socket.on("error", () => {});
    const timer = setTimeout(() => resolve("still open"), withinMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(received || "closed");
    });
  });

  beforeAll(async () => {
    llm = createServer((req, res) => {
      req.resume();
      req.on("end", () => setTimeout(() => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "### What broke\nIt was slow." } }] }));
      }, 2500));
    });
    await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
    const aiUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;
    t = await startTestServer({ headersTimeoutMs: 1000, bodyIdleTimeoutMs: 1000, maxConnections: 4, aiUrl, aiModel: "tiny", aiTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    llm?.close();
    await t.close();
  });

  it("closes a connection whose headers never finish", async () => {
    const socket = await dial();
    socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\nX-Slow: `);
    const answer = await closedBy(socket, 8000);
    expect(answer).not.toBe("still open");
  });

  it("answers 408 and closes when a body stops arriving", async () => {
    const socket = await dial();
    socket.write([
      `POST /api/${t.projectId}/store/?sentry_key=${t.publicKey} HTTP/1.1`, `Host: 127.0.0.1:${t.server.port}`,
      "Content-Type: application/json", "Content-Length: 1000", "", '{"message":"',
    ].join("\r\n"));
    const answer = await closedBy(socket, 8000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('{"detail":"the request body stopped arriving for 1 s"}');
  });

  it("does not cut a request whose body has arrived, however long the answer takes", async () => {
    // Explain waits 2.5 s for the LLM with nothing moving on the browser's connection
    const res = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, { method: "POST", body: JSON.stringify({ message: "slow answer", level: "error" }) });
    expect(res.status).toBe(200);
    const issueId = await eventually(async () => (await t.api("/api/0/projects/lighttrace/my-project/issues/")).body[0]?.id);
    const explained = await t.api(`/api/0/issues/${issueId}/explain/`, { method: "POST", body: "{}" });
    expect(explained.status).toBe(200);
    expect(explained.body.provider).toBe("llm");
  });

  it("closes connections beyond maxConnections at once", async () => {
    const held = await Promise.all([dial(), dial(), dial(), dial()]);
    const extra = await dial();
    expect(await closedBy(extra, 500)).toBe("closed");
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
