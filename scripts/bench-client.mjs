import net from "node:net";

/**
 * A minimal keep-alive HTTP/1.1 client on a raw socket for the load generators: they share the two
 * cores with the server, and node:http's client costs several times more CPU per request than the
 * server's own HTTP handling, which would make a benchmark measure the generator.
 * Returns `send(requestBytes) → Promise<status>` (0 when the connection failed).
 */
export function openConnection(port, hostname) {
  const socket = net.connect(Number(port), hostname);
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let waiting;
  socket.on("data", (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const headerEnd = buffered.indexOf("\r\n\r\n");
    if (headerEnd < 0 || !waiting) return;
    const head = buffered.subarray(0, headerEnd).toString("latin1");
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < headerEnd + 4 + length) return;
    buffered = buffered.subarray(headerEnd + 4 + length);
    const w = waiting;
    waiting = undefined;
    w(Number(head.slice(9, 12)));
  });
  socket.on("error", () => { if (waiting) { const w = waiting; waiting = undefined; w(0); } });
  const send = (request) => new Promise((resolve) => { waiting = resolve; socket.write(request); });
  send.close = () => socket.destroy();
  return send;
}
