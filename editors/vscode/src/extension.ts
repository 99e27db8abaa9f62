// placement-lint for VS Code: starts `placement-lint server` (LSP over stdio) for Wrangler
// configs and the Pages Functions and Worker sources around them.

import * as vscode from "vscode";

import { fixAllInWorkspace } from "./fixAll";
import { ServerManager } from "./server";
import { createStatusItem } from "./status";

let server: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const manager = new ServerManager(context.extensionPath);
  server = manager;
  context.subscriptions.push(
    manager,
    createStatusItem(manager),
    vscode.commands.registerCommand("placementLint.restartServer", () => manager.restart()),
    vscode.commands.registerCommand("placementLint.showServerLog", () => manager.showLog()),
    vscode.commands.registerCommand("placementLint.fixAllInWorkspace", () => fixAllInWorkspace(manager)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("placementLint.server.path")) {
        void manager.restart();
      }
    }),
    // Trusting the workspace allows its node_modules/.bin/placement-lint.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void manager.restart()),
  );
  await manager.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
