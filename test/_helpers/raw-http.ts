import { request, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";

export interface RawResponse { status: number; headers: IncomingMessage["headers"]; body: string }

/**
 * A request left open for the test to write its body piece by piece: `response` must settle while
 * the client is still sending (a server that waits for the whole body fails it after 10 s).
 */
export function openUpload(port: number, method: string, path: string, headers: OutgoingHttpHeaders = {}): { req: ClientRequest; response: Promise<RawResponse> } {
  const req = request({ host: "127.0.0.1", port, method, path, headers });
  req.on("error", () => {}); // the server closes the connection after answering early
  req.flushHeaders();
  const response = new Promise<RawResponse>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer while the body was still open: the server waited for the whole body")), 10_000);
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
  });
  return { req, response };
}

/** node:http, because fetch will not send a Host header other than the URL's (or headers like Via). */
export function rawRequest(port: number, method: string, path: string, headers: OutgoingHttpHeaders, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
