import { spawn } from "node:child_process";

/** Size of `xz -9` output of a file, streamed (no .xz file left behind). */
export function xzSize(file) {
  return new Promise((resolve, reject) => {
    const xz = spawn("xz", ["-T0", "-9", "-c", file], { stdio: ["ignore", "pipe", "inherit"] });
    let bytes = 0;
    xz.stdout.on("data", (chunk) => (bytes += chunk.length));
    xz.on("error", reject);
    xz.on("close", (code) => (code === 0 ? resolve(bytes) : reject(new Error(`xz exited with ${code}`))));
  });
}
