// Talks LSP to a command over its standard streams: initialize, initialized, shutdown, exit.
// Passes (exit 0) when the server answers both requests and then exits with status 0.
//
//   node tests/dist/lsp_roundtrip.mjs COMMAND [ARGS...]
import { spawn } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
const server = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
const timer = setTimeout(() => {
  console.error("lsp_roundtrip: no answer within 20 s");
  server.kill();
  process.exit(1);
}, 20_000);

function send(message) {
  const body = JSON.stringify({ jsonrpc: "2.0", ...message });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

// Resolves each request id with its response.
const waiting = new Map();
let buffer = Buffer.alloc(0);
server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.id !== undefined && waiting.has(message.id)) waiting.get(message.id)(message);
  }
});
const request = (id, method, params) =>
  new Promise((resolve) => {
    waiting.set(id, resolve);
    send({ id, method, params });
  });

const initialized = await request(1, "initialize", { processId: null, rootUri: null, capabilities: {} });
if (!initialized.result?.capabilities) {
  console.error("lsp_roundtrip: initialize failed:", JSON.stringify(initialized));
  process.exit(1);
}
send({ method: "initialized", params: {} });
const shutdown = await request(2, "shutdown");
if (shutdown.error) {
  console.error("lsp_roundtrip: shutdown failed:", JSON.stringify(shutdown));
  process.exit(1);
}
send({ method: "exit" });
server.on("exit", (status, signal) => {
  clearTimeout(timer);
  console.log(`server ${initialized.result.serverInfo?.name ?? "?"} answered; exit status ${status ?? signal}`);
  process.exit(status === 0 ? 0 : 1);
});
