// The status bar item: the server's state; a click shows the log, or restarts a server that is
// not running.

import * as vscode from "vscode";

import type { ServerManager, ServerState } from "./server";

const LOOKS: Record<ServerState, { icon: string; words: string }> = {
  starting: { icon: "$(loading~spin)", words: "starting" },
  running: { icon: "$(check)", words: "running" },
  stopped: { icon: "$(circle-slash)", words: "stopped" },
  failed: { icon: "$(error)", words: "failed to start" },
};

export function createStatusItem(server: ServerManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("placementLint.status", vscode.StatusBarAlignment.Right, 100);
  item.name = "placement-lint";
  const update = (state: ServerState): void => {
    const look = LOOKS[state];
    item.text = `${look.icon} placement-lint`;
    const binary = server.serverBinary?.path ?? "no binary found";
    const action = state === "running" || state === "starting" ? "show the server log" : "restart the server";
    item.tooltip = `placement-lint server: ${look.words}\n${binary}\nClick to ${action}.`;
    item.accessibilityInformation = { label: `placement-lint server: ${look.words}` };
    item.command =
      state === "running" || state === "starting" ? "placementLint.showServerLog" : "placementLint.restartServer";
    item.backgroundColor =
      state === "failed" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  };
  update(server.state);
  item.show();
  const listener = server.onDidChangeState(update);
  return vscode.Disposable.from(item, listener);
}
