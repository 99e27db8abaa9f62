// "placement-lint: Fix all in workspace": the server's `source.fixAll.placement-lint` action on
// every config of the workspace, the same safe fixes `placement-lint check --fix` applies.

import * as vscode from "vscode";

import type { ServerManager } from "./server";

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append("placement-lint");

/** Configs that wrangler or the CLI would never read are left out. */
const CONFIGS = "**/wrangler.{toml,json,jsonc}";
const SKIPPED = "**/{node_modules,.wrangler}/**";

export async function fixAllInWorkspace(server: ServerManager): Promise<void> {
  if (server.state !== "running") {
    const restart = "Restart the language server";
    const choice = await vscode.window.showWarningMessage(
      `placement-lint: the server is ${server.state === "starting" ? "still starting" : "not running"}; nothing was fixed.`,
      restart,
    );
    if (choice === restart) {
      await server.restart();
    }
    return;
  }
  const configs = await vscode.workspace.findFiles(CONFIGS, SKIPPED);
  if (configs.length === 0) {
    void vscode.window.showInformationMessage("placement-lint: no wrangler config in this workspace.");
    return;
  }
  const fixed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "placement-lint: fixing", cancellable: true },
    async (progress, token) => {
      const changed: vscode.Uri[] = [];
      for (const uri of configs) {
        if (token.isCancellationRequested) {
          break;
        }
        progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / configs.length });
        if (await fixConfig(uri)) {
          changed.push(uri);
        }
      }
      return changed;
    },
  );
  const summary =
    fixed.length === 0
      ? "nothing to fix in the workspace's configs."
      : `fixed ${fixed.length} config${fixed.length === 1 ? "" : "s"}: ${fixed.map((uri) => vscode.workspace.asRelativePath(uri)).join(", ")}.`;
  void vscode.window.showInformationMessage(`placement-lint: ${summary}`);
}

/**
 * Applies the server's fix-all action to one config; saves it unless it had unsaved changes
 * of the user's (those stay for the user to save). Returns whether it changed.
 */
async function fixConfig(uri: vscode.Uri): Promise<boolean> {
  // Opening the document hands it to the server, which then knows its text.
  const document = await vscode.workspace.openTextDocument(uri);
  const hadUnsavedChanges = document.isDirty;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      "vscode.executeCodeActionProvider",
      uri,
      whole,
      FIX_ALL_KIND.value,
    )) ?? [];
  const fixAll = actions.find((action) => action.kind !== undefined && FIX_ALL_KIND.contains(action.kind));
  if (fixAll?.edit === undefined || fixAll.edit.size === 0) {
    return false;
  }
  if (!(await vscode.workspace.applyEdit(fixAll.edit))) {
    return false;
  }
  if (!hadUnsavedChanges) {
    await document.save();
  }
  return true;
}
