// placement-lint for VS Code: starts `placement-lint server` (LSP over stdio) for Wrangler
// configs and the Pages Functions and Worker sources around them.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The documents the server looks at: configs, and sources that can belong to a project. */
const documentSelector: LanguageClientOptions["documentSelector"] = [
  { scheme: "file", pattern: "**/wrangler.toml" },
  { scheme: "file", pattern: "**/wrangler.{json,jsonc}" },
  { scheme: "file", pattern: "**/functions/**/*.{js,mjs,ts,mts,jsx,tsx}" },
  { scheme: "file", pattern: "**/_worker.js" },
  { scheme: "file", pattern: "**/_worker.js/**/*.js" },
  { scheme: "file", pattern: "**/package.json" },
  { scheme: "file", language: "javascript" },
  { scheme: "file", language: "javascriptreact" },
  { scheme: "file", language: "typescript" },
  { scheme: "file", language: "typescriptreact" },
];

/** `placementLint.server.path`, else `placement-lint` from PATH. */
function serverCommand(): string {
  const configured = vscode.workspace
    .getConfiguration("placementLint")
    .get<string>("server.path", "")
    .trim();
  if (configured !== "") {
    return configured;
  }
  const names = process.platform === "win32" ? ["placement-lint.exe"] : ["placement-lint"];
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(folder, name);
      if (folder !== "" && fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return names[0];
}

async function start(): Promise<void> {
  const command = serverCommand();
  const serverOptions: ServerOptions = {
    run: { command, args: ["server"], transport: TransportKind.stdio },
    debug: { command, args: ["server"], transport: TransportKind.stdio },
  };
  // The server registers its own file watchers (functions/**, _routes.json, configs, ...);
  // its log (stderr) and the protocol trace go to the "placement-lint" output channel.
  const clientOptions: LanguageClientOptions = { documentSelector };
  // The `placementLint.trace.server` setting is read by the client under this id.
  client = new LanguageClient("placementLint", "placement-lint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `placement-lint: could not start \`${command} server\` (${message}). ` +
        "Install placement-lint or set placementLint.server.path.",
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("placementLint.restartServer", async () => {
      await client?.stop();
      client = undefined;
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("placementLint.server.path")) {
        await vscode.commands.executeCommand("placementLint.restartServer");
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
