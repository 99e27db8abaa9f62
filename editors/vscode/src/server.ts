// Starting, restarting and watching `placement-lint server`, with one clear notification when
// it cannot run.

import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { findServerBinary, type ServerBinary } from "./serverBinary";
import { ServerLog, TraceChannel } from "./serverLog";

export type ServerState = "starting" | "running" | "stopped" | "failed";

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

/** A server that crashes this often, this fast, is not restarted again. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

/** The settings the server reads, at start and on every change. */
function serverSettings(): { select: string[]; ignore: string[] } {
  const config = vscode.workspace.getConfiguration("placementLint");
  return { select: config.get<string[]>("select", []), ignore: config.get<string[]>("ignore", []) };
}

/**
 * The language client, quiet about its own lifecycle: it reports through `placementLint`'s own
 * notification and status item rather than its generic "couldn't create connection" toasts.
 */
class QuietClient extends LanguageClient {
  /** The client's note of how the server process ended, if it did. */
  exitNote: string | undefined;

  override error(message: string, data?: unknown, _showNotification?: boolean | "force"): void {
    if (message.startsWith("Server process exited")) {
      this.exitNote = message;
    }
    // How the process ended is logged as a warning; ServerManager says what happens next.
    if (message.startsWith("Server process exited") || message === CONNECTION_CLOSED) {
      super.warn(message, data, false);
    } else {
      super.error(message, data, false);
    }
  }
}

/** What the client logs when the server's connection closes (it would say "not restarted"). */
const CONNECTION_CLOSED = "The connection to the server closed.";

export class ServerManager implements vscode.Disposable {
  private client: QuietClient | undefined;
  private binary: ServerBinary | undefined;
  private stateValue: ServerState = "stopped";
  private crashes: number[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ServerState>();
  private readonly log: ServerLog;
  private readonly trace: TraceChannel;
  /** Serialises start, stop and restart. */
  private queue: Promise<void> = Promise.resolve();

  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly extensionPath: string) {
    this.log = new ServerLog(vscode.window.createOutputChannel("placement-lint", { log: true }));
    this.trace = new TraceChannel("placement-lint (trace)");
  }

  get state(): ServerState {
    return this.stateValue;
  }

  /** The binary last started or tried. */
  get serverBinary(): ServerBinary | undefined {
    return this.binary;
  }

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  showLog(): void {
    this.log.channel.show(true);
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      this.crashes = [];
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  dispose(): void {
    void this.stop();
    this.stateChanged.dispose();
    this.trace.dispose();
    this.log.channel.dispose();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work, work);
    return this.queue;
  }

  private setState(state: ServerState): void {
    if (state !== this.stateValue) {
      this.stateValue = state;
      this.stateChanged.fire(state);
    }
  }

  private async doStart(): Promise<void> {
    if (this.client !== undefined) {
      return;
    }
    this.setState("starting");
    const lookup = findServerBinary(this.extensionPath);
    if (lookup.kind === "none") {
      this.binary = undefined;
      this.fail(
        "no placement-lint binary found (tried " +
          lookup.tried.join(", ") +
          "). Install placement-lint or set placementLint.server.path.",
      );
      return;
    }
    this.binary = lookup.binary;
    if (lookup.kind === "unusable") {
      this.fail(`cannot start ${describe(lookup.binary)}: ${lookup.reason}.`);
      return;
    }
    const binary = lookup.binary;
    this.log.channel.info(`starting ${binary.path} server --stdio (${describeSource(binary.source)})`);
    const cwd = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === "file")?.uri.fsPath;
    // vscode-languageclient appends `--stdio` for the stdio transport.
    const executable = {
      command: binary.path,
      args: ["server"],
      transport: TransportKind.stdio,
      options: cwd === undefined ? {} : { cwd },
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    let started = false;
    let initializeFailure: unknown;
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      outputChannel: this.log.channel,
      traceOutputChannel: this.trace,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings(),
      // Sends `workspace/didChangeConfiguration` with the `placementLint` section on changes.
      synchronize: { configurationSection: "placementLint" },
      stdioOptions: { stderr: (stderr) => this.log.follow(stderr), stdout: () => undefined },
      // The client would show the bare error ("write EPIPE"); the failure path below explains it.
      initializationFailedHandler: (error) => {
        initializeFailure = error;
        return false;
      },
      errorHandler: {
        // A message that fails to read or write is logged; the close that follows decides.
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          if (started) {
            this.onCrash(client);
          }
          return { action: CloseAction.DoNotRestart, handled: true, message: CONNECTION_CLOSED };
        },
      },
    };
    // The client reads `placementLint.trace.server` under this id.
    const client = new QuietClient("placementLint", "placement-lint", serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
      if (initializeFailure !== undefined || !client.isRunning()) {
        throw initializeFailure ?? new Error("the server did not answer `initialize`");
      }
      started = true;
      this.setState("running");
    } catch (error) {
      this.client = undefined;
      // The process's last words explain the failure better than a broken pipe does.
      await this.log.drained(2_000);
      await client.dispose().catch(() => undefined);
      this.fail(`${describe(binary)} did not start: ${this.startFailure(client, error)}`);
    }
  }

  /** Why a start failed: the server's own words when it printed any. */
  private startFailure(client: QuietClient, error: unknown): string {
    const said = this.log.lastOtherLines().filter((line) => line.trim() !== "");
    const parts: string[] = [];
    if (said.length > 0) {
      parts.push(said.slice(0, 3).join(" ").replace(/[.\s]+$/, ""));
    }
    if (client.exitNote !== undefined) {
      parts.push(client.exitNote.replace(/\.$/, "").toLowerCase());
    } else if (said.length === 0) {
      parts.push(error instanceof Error ? error.message : String(error));
    }
    return parts.join("; ") + ".";
  }

  private onCrash(client: QuietClient): void {
    if (this.client !== client) {
      return; // stopped on purpose
    }
    this.client = undefined;
    const now = Date.now();
    this.crashes = this.crashes.filter((at) => now - at < CRASH_WINDOW_MS);
    this.crashes.push(now);
    const note = client.exitNote ?? "the connection closed";
    this.log.channel.warn(`the server stopped unexpectedly (${note})`);
    if (this.crashes.length >= MAX_CRASHES) {
      this.fail(
        `the server stopped ${MAX_CRASHES} times in 3 minutes (last: ${note}); it is not restarted. ` +
          "Use \"placement-lint: Restart the language server\" to try again.",
      );
      return;
    }
    this.setState("starting");
    void this.start();
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined && client.state !== State.Stopped) {
      await client.stop().catch((error) => this.log.channel.warn(`stopping the server: ${error}`));
    }
    if (client !== undefined) {
      await client.dispose().catch(() => undefined);
    }
    this.setState("stopped");
  }

  /** The one notification for a server that cannot run, with the log one click away. */
  private fail(message: string): void {
    this.log.channel.error(message);
    this.setState("failed");
    const showLog = "Show server log";
    void vscode.window.showErrorMessage(`placement-lint: ${message}`, showLog).then((choice) => {
      if (choice === showLog) {
        this.showLog();
      }
    });
  }
}

function describe(binary: ServerBinary): string {
  return `${binary.path} (${describeSource(binary.source)})`;
}

function describeSource(source: ServerBinary["source"]): string {
  switch (source) {
    case "setting":
      return "from placementLint.server.path";
    case "workspace":
      return "from the workspace's node_modules";
    case "bundled":
      return "bundled with the extension";
    default:
      return "from PATH";
  }
}
