// Which `placement-lint` binary the extension starts, and why it cannot start one.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export type BinarySource = "setting" | "workspace" | "bundled" | "PATH";

export interface ServerBinary {
  path: string;
  source: BinarySource;
}

/** What the lookup found: a binary to start, or why there is none. */
export type Lookup =
  | { kind: "found"; binary: ServerBinary }
  | { kind: "unusable"; binary: ServerBinary; reason: string }
  | { kind: "none"; tried: string[] };

const executableName = process.platform === "win32" ? "placement-lint.exe" : "placement-lint";

/**
 * The lookup order, first match wins:
 * 1. `placementLint.server.path` (the user said so; used even when it is broken, so that the
 *    error names it);
 * 2. `node_modules/.bin/placement-lint` of a workspace folder (the version the project pins,
 *    which is also what its CI runs); only in a trusted workspace, since it is the workspace's
 *    own executable;
 * 3. the binary bundled in a platform-specific `.vsix` (`bin/placement-lint`);
 * 4. `placement-lint` on `PATH`.
 */
export function findServerBinary(extensionPath: string): Lookup {
  const configured = vscode.workspace
    .getConfiguration("placementLint")
    .get<string>("server.path", "")
    .trim();
  if (configured !== "") {
    return check({ path: resolveConfiguredPath(configured), source: "setting" });
  }
  const tried: string[] = [];
  const candidates: ServerBinary[] = [];
  if (vscode.workspace.isTrusted) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme === "file") {
        const local = path.join(folder.uri.fsPath, "node_modules", ".bin", executableName);
        candidates.push({ path: local, source: "workspace" });
      }
    }
  }
  candidates.push({ path: path.join(extensionPath, "bin", executableName), source: "bundled" });
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    if (folder !== "") {
      candidates.push({ path: path.join(folder, executableName), source: "PATH" });
    }
  }
  for (const candidate of candidates) {
    if (fs.existsSync(candidate.path)) {
      return check(candidate);
    }
    if (candidate.source !== "PATH") {
      tried.push(candidate.path);
    }
  }
  tried.push(`${executableName} on PATH`);
  return { kind: "none", tried };
}

/** `~` and `${workspaceFolder}` expanded; a relative path is taken from the first folder. */
function resolveConfiguredPath(configured: string): string {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file");
  let resolved = configured.replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? "");
  if (resolved === "~" || resolved.startsWith("~/")) {
    resolved = path.join(os.homedir(), resolved.slice(1));
  }
  if (!path.isAbsolute(resolved) && folder !== undefined) {
    resolved = path.join(folder.uri.fsPath, resolved);
  }
  return resolved;
}

/** Whether the binary can be started; if not, why, in words a user can act on. */
function check(binary: ServerBinary): Lookup {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(binary.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`;
    return { kind: "unusable", binary, reason };
  }
  if (stat.isDirectory()) {
    return { kind: "unusable", binary, reason: "it is a folder, not the placement-lint binary" };
  }
  if (process.platform !== "win32") {
    try {
      fs.accessSync(binary.path, fs.constants.X_OK);
    } catch {
      return { kind: "unusable", binary, reason: "it is not executable (chmod +x it)" };
    }
  }
  return { kind: "found", binary };
}
