// The server's stderr in the "placement-lint" log channel at each line's own level, and the
// protocol trace in a channel of its own, switched by `placementLint.trace.server`.

import * as readline from "node:readline";
import type { Readable } from "node:stream";
import * as vscode from "vscode";

/** The server writes `[placement-lint LEVEL target] message` (crates/placement_lsp/src/logging.rs). */
const LOG_LINE = /^\[placement-lint (ERROR|WARN|INFO|DEBUG|TRACE) [^\]]*\] ?(.*)$/;

/** How many of the last stderr lines are kept to explain a server that would not start. */
const KEPT_LINES = 20;

export class ServerLog {
  private recent: string[] = [];
  private ended: Promise<void> = Promise.resolve();

  constructor(readonly channel: vscode.LogOutputChannel) {}

  /** Reads one server process's stderr. */
  follow(stderr: Readable): void {
    this.recent = [];
    const lines = readline.createInterface({ input: stderr, crlfDelay: Infinity, terminal: false, historySize: 0 });
    lines.on("line", (line) => this.write(line));
    this.ended = new Promise((resolve) => lines.once("close", resolve));
  }

  /** Resolves once the followed stderr has ended (every line read), or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    return Promise.race([this.ended, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  /** Lines the server wrote that are not its log lines (a usage error, a panic). */
  lastOtherLines(): string[] {
    return this.recent.filter((line) => !LOG_LINE.test(line));
  }

  private write(line: string): void {
    this.recent.push(line);
    if (this.recent.length > KEPT_LINES) {
      this.recent.shift();
    }
    const match = LOG_LINE.exec(line);
    if (match === null) {
      // Not a log line: the binary's own complaint, such as a usage error from an old release.
      if (/^(error|fatal)\b/i.test(line) || line.includes("panicked")) {
        this.channel.error(line);
      } else {
        this.channel.info(line);
      }
      return;
    }
    const [, level, message] = match;
    switch (level) {
      case "ERROR":
        this.channel.error(message);
        break;
      case "WARN":
        this.channel.warn(message);
        break;
      case "INFO":
        this.channel.info(message);
        break;
      case "DEBUG":
        this.channel.debug(message);
        break;
      default:
        this.channel.trace(message);
    }
  }
}

/**
 * The trace channel handed to the language client. The client traces only when this channel's
 * log level is Trace, so the level follows `placementLint.trace.server` (off, messages,
 * verbose) instead of the Output panel's level menu, and every traced message is printed.
 */
export class TraceChannel implements vscode.LogOutputChannel {
  private readonly output: vscode.OutputChannel;
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly watcher: vscode.Disposable;
  private level: vscode.LogLevel;

  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(readonly name: string) {
    this.output = vscode.window.createOutputChannel(name);
    this.level = TraceChannel.configuredLevel();
    this.watcher = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("placementLint.trace.server")) {
        const level = TraceChannel.configuredLevel();
        if (level !== this.level) {
          this.level = level;
          this.levelChanged.fire(level);
        }
      }
    });
  }

  private static configuredLevel(): vscode.LogLevel {
    const setting = vscode.workspace.getConfiguration("placementLint").get<string>("trace.server", "off");
    return setting === "off" ? vscode.LogLevel.Off : vscode.LogLevel.Trace;
  }

  get logLevel(): vscode.LogLevel {
    return this.level;
  }

  trace(message: string): void {
    this.output.appendLine(message);
  }
  debug(message: string): void {
    this.output.appendLine(message);
  }
  info(message: string): void {
    this.output.appendLine(message);
  }
  warn(message: string): void {
    this.output.appendLine(message);
  }
  error(error: string | Error): void {
    this.output.appendLine(typeof error === "string" ? error : error.message);
  }
  append(value: string): void {
    this.output.append(value);
  }
  appendLine(value: string): void {
    this.output.appendLine(value);
  }
  replace(value: string): void {
    this.output.replace(value);
  }
  clear(): void {
    this.output.clear();
  }
  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(first?: boolean | vscode.ViewColumn, preserveFocus?: boolean): void {
    this.output.show(typeof first === "boolean" ? first : preserveFocus);
  }
  hide(): void {
    this.output.hide();
  }
  dispose(): void {
    this.watcher.dispose();
    this.levelChanged.dispose();
    this.output.dispose();
  }
}
