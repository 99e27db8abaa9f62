// End-to-end test of the placement-lint extension in a real VS Code: code-server (VS Code's
// workbench) with the platform-specific .vsix installed, driven by Chromium. Every check reads
// what the window shows: the Problems panel, the editor's lines and token colours, hovers, the
// code action menu, notifications, the status bar and the Output panel.
//
// Usage: node e2e.mjs PLATFORM_VSIX   (run.sh installs what it needs first)
// A failing step saves a screenshot and the window's logs under tests/vscode/artefacts/.

import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const vsix = process.argv[2];
if (!vsix || !existsSync(vsix)) {
  console.error("usage: node e2e.mjs path/to/placement-lint-linux-x64.vsix");
  process.exit(2);
}
const codeServer = join(here, "node_modules", ".bin", "code-server");
const chromiumPath = process.env.CHROMIUM ?? "/usr/lib/chromium/chromium";
const fixture = join(here, "fixture");
const artefacts = join(here, "artefacts");
const work = mkdtempSync(join(tmpdir(), "placement-lint-vscode-"));
const extensionsDir = join(work, "extensions");
const STATUS_ITEM = '[id="placement-lint.placement-lint.placementLint.status"]';

/** code-server process groups still running, ended however this script ends. */
const running = new Set();
process.on("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => process.exit(130));
}
// A closed pipe on stdout (`| head`) must not leave code-server behind.
process.stdout.on("error", () => process.exit(1));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy; fails naming `what` and the last value. */
async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) {
        return last;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? last.message : JSON.stringify(last, null, 1);
      throw new Error(`timed out waiting for ${what}; last seen: ${shown}`);
    }
    await sleep(200);
  }
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** The processes below `root`, from /proc. */
function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((arg) => arg !== "");
  } catch {
    return [];
  }
}

/** One code-server with its own user data and a copy of the fixture as its workspace. */
class Window {
  static browser;

  constructor(name) {
    this.name = name;
    this.root = join(work, name);
    this.workspace = join(this.root, "workspace");
    this.userData = join(this.root, "user-data");
  }

  static async open(name, { settings = {}, prepare } = {}) {
    const window = new Window(name);
    await window.start(settings, prepare);
    return window;
  }

  async start(settings, prepare) {
    cpSync(fixture, this.workspace, { recursive: true });
    prepare?.(this.workspace);
    mkdirSync(join(this.userData, "User"), { recursive: true });
    const base = {
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "extensions.ignoreRecommendations": true,
      // The TypeScript checker's own findings in the fixture's sources are not under test.
      "typescript.validate.enable": false,
      "javascript.validate.enable": false,
      "editor.hover.delay": 100,
    };
    writeFileSync(join(this.userData, "User", "settings.json"), JSON.stringify({ ...base, ...settings }, null, 2));
    this.port = await freePort();
    const log = join(this.root, "code-server.log");
    const out = openSync(log, "w");
    // A process group of its own, so that closing it ends the extension host and the server.
    this.process = spawn(
      codeServer,
      [
        "--auth", "none",
        "--bind-addr", `127.0.0.1:${this.port}`,
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--config", join(this.root, "code-server.yaml"),
        "--user-data-dir", this.userData,
        "--extensions-dir", extensionsDir,
        this.workspace,
      ],
      { detached: true, stdio: ["ignore", out, out] },
    );
    running.add(this.process.pid);
    await waitFor("code-server's /healthz", async () => (await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok, 60_000);
    this.page = await Window.browser.newPage({ viewport: { width: 1500, height: 1100 } });
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
  }

  async close() {
    await this.page?.close().catch(() => undefined);
    if (this.process?.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      process.kill(-this.process.pid, "SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (this.process.exitCode === null && this.process.signalCode === null) {
        process.kill(-this.process.pid, "SIGKILL");
      }
    }
    running.delete(this.process?.pid);
  }

  /** Saves what the window shows and its logs, for a failed step. */
  async keepArtefacts(step) {
    mkdirSync(artefacts, { recursive: true });
    const stem = `${this.name}-${step.replace(/[^A-Za-z0-9]+/g, "-")}`;
    await this.page?.screenshot({ path: join(artefacts, `${stem}.png`) }).catch(() => undefined);
    if (existsSync(join(this.userData, "logs"))) {
      cpSync(join(this.userData, "logs"), join(artefacts, `${stem}-logs`), { recursive: true });
    }
    cpSync(join(this.root, "code-server.log"), join(artefacts, `${stem}-code-server.log`));
  }

  // --- Reading the window -------------------------------------------------------------------

  async statusLabel() {
    const item = this.page.locator(STATUS_ITEM);
    return (await item.count()) > 0 ? item.getAttribute("aria-label") : null;
  }

  async waitForStatus(words, timeoutMs = 30_000) {
    return waitFor(`the status item to say "${words}"`, async () => {
      const label = await this.statusLabel();
      return label === `placement-lint server: ${words}` ? label : false;
    }, timeoutMs);
  }

  /**
   * The Problems panel's markers: { folder, file, code, source, message, line }. The panel's
   * list is virtual (only the rows in view are in the page), so a `path` ("site/src/index.ts")
   * filters it to that file, as a user would, and its rows all fit; without one, only what is in
   * view is seen.
   */
  async problems(path) {
    if (!(await this.page.locator(".markers-panel").isVisible())) {
      await this.command("View: Focus Problems (Errors, Warnings, Infos)");
      await this.page.locator(".markers-panel").waitFor();
    }
    const filter = this.page.locator(".part.panel .viewpane-filter input:visible").first();
    const wanted = path === undefined ? "" : `**/${path}`;
    if ((await filter.inputValue()) !== wanted) {
      await filter.fill(wanted);
    }
    const rows = await this.page.$$eval(".markers-panel .monaco-list-row", (elements) =>
      elements
        .map((element) => ({ top: parseFloat(element.style.top) || 0, label: element.getAttribute("aria-label") ?? "", text: element.innerText }))
        .sort((a, b) => a.top - b.top),
    );
    const markers = [];
    let file;
    for (const row of rows) {
      const fileRow = /problems? in file (.+) of folder (.+)$/.exec(row.label);
      if (fileRow) {
        file = { file: fileRow[1], folder: fileRow[2] };
        // Rows of another file: the filter has not applied yet.
        if (path !== undefined && `${file.folder}/${file.file}` !== path) return undefined;
        continue;
      }
      // message, source, code, [Ln L, Col C], then the help line.
      const parts = row.text.split("\n").map((part) => part.trim());
      const position = parts.findIndex((part) => /^\[Ln \d+, Col \d+\]$/.test(part));
      if (file === undefined || position < 2) continue;
      markers.push({
        ...file,
        message: parts[0],
        source: parts[position - 2],
        code: parts[position - 1],
        line: Number(/Ln (\d+)/.exec(parts[position])[1]),
      });
    }
    return markers;
  }

  /** Waits for a marker of `marker(folder, file, code)` in the Problems panel. */
  async waitForProblem(what, predicate, timeoutMs = 30_000) {
    return waitFor(what, async () => (await this.problems(predicate.path))?.find(predicate), timeoutMs);
  }

  async waitForNoProblem(what, predicate, timeoutMs = 30_000) {
    return waitFor(what, async () => {
      const markers = await this.problems(predicate.path);
      return markers !== undefined && !markers.some(predicate);
    }, timeoutMs);
  }

  /** The active editor's lines, top to bottom. */
  async editorLines() {
    return this.page.$$eval(".editor-instance .monaco-editor .view-lines .view-line", (elements) =>
      elements
        .map((element) => ({ top: parseFloat(element.style.top), text: element.textContent.replace(/\u00a0/g, " ") }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    );
  }

  /** Each token of the active editor's line that reads `text`: its text, class and colour. */
  async tokens(text) {
    return this.page.$$eval(
      ".editor-instance .monaco-editor .view-lines .view-line",
      (elements, wanted) => {
        const line = elements.find((element) => element.textContent.replace(/\u00a0/g, " ") === wanted);
        if (!line) return null;
        return [...line.querySelectorAll("span > span")].map((span) => ({
          text: span.textContent.replace(/\u00a0/g, " "),
          className: span.className,
          color: getComputedStyle(span).color,
        }));
      },
      text,
    );
  }

  async toasts() {
    return this.page.$$eval(".notifications-toasts .notification-toast", (elements) => elements.map((element) => element.innerText));
  }

  // --- Acting on it -------------------------------------------------------------------------

  /** Runs a command from the command palette by its title. */
  async command(title) {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input.input");
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator(".quick-input-list .monaco-list-row", { has: this.page.locator(".label-name", { hasText: title }) });
    await waitFor(`the command "${title}" in the palette`, async () => (await row.count()) > 0, 15_000);
    await row.first().click();
    await this.page.locator(".quick-input-widget").waitFor({ state: "hidden" });
  }

  /** Opens a workspace file with Quick Open, as a user would. */
  async openFile(relative) {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input.input");
    await input.waitFor();
    await input.fill(relative);
    const name = basename(relative);
    const folder = dirname(relative);
    const row = this.page.locator(".quick-input-list .monaco-list-row", { has: this.page.locator(".label-description", { hasText: new RegExp(`^${folder}$`) }) });
    await waitFor(`${relative} in Quick Open`, async () => (await row.count()) > 0, 20_000);
    await row.first().click();
    await waitFor(`${relative} to be the active editor`, async () => {
      const title = await this.page.locator(".tabs-container .tab.active").getAttribute("aria-label").catch(() => null);
      return title !== null && title.includes(name);
    });
    // The editor has focus and its text is laid out.
    await this.page.locator(".editor-instance .monaco-editor .view-lines .view-line").first().waitFor();
  }

  /** Moves the cursor of the active editor (1-based line and column). */
  async goTo(line, column) {
    await this.page.keyboard.press("F1");
    const input = this.page.locator(".quick-input-widget input.input");
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press("Enter");
    await waitFor(`the cursor at ${line}:${column}`, async () => {
      const label = await this.page.locator('[id="status.editor.selection"]').getAttribute("aria-label");
      return label === `Ln ${line}, Col ${column}`;
    }, 10_000);
  }

  /** Replaces the whole text of the active editor and saves it. */
  async replaceText(text) {
    await this.page.keyboard.press("Control+A");
    // Deleted first: text typed over a selection would surround it (auto-closing brackets).
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.insertText(text);
    const expected = text.replace(/\n$/, "").split("\n").map((line) => line.trim());
    await waitFor("the new text in the editor", async () => {
      const lines = (await this.editorLines()).map((line) => line.trim()).filter((line) => line !== "");
      return JSON.stringify(lines) === JSON.stringify(expected.filter((line) => line !== ""));
    }, 10_000);
    await this.page.keyboard.press("Control+S");
    await waitFor("the editor saved", async () => (await this.page.locator(".tabs-container .tab.active.dirty").count()) === 0, 10_000);
  }

  /** The placement-lint server processes of this window, newest last. */
  serverPids() {
    return descendants(this.process.pid).filter((pid) => {
      const args = commandLine(pid);
      return args.length > 0 && basename(args[0]) === "placement-lint" && args.includes("server");
    });
  }
}

// --- The scenarios ---------------------------------------------------------------------------

const results = [];

/** Runs one check; after a failure the window's later checks, which build on it, are skipped. */
async function step(window, name, body) {
  if (window.failed) {
    results.push({ window: window.name, name, ok: false });
    console.log(`skip ${window.name}: ${name} (an earlier check failed)`);
    return;
  }
  const started = Date.now();
  try {
    await body();
    results.push({ window: window.name, name, ok: true });
    console.log(`ok   ${window.name}: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ window: window.name, name, ok: false });
    window.failed = true;
    console.log(`FAIL ${window.name}: ${name}\n     ${String(error.message ?? error).split("\n").join("\n     ")}`);
    await window.keepArtefacts(name);
  }
}

const isMarker = (folder, file, code) =>
  Object.assign((marker) => marker.folder === folder && marker.file === file && marker.code === code, { path: `${folder}/${file}` });

async function mainWindow() {
  const window = await Window.open("main", {
    settings: { "placementLint.trace.server": process.env.E2E_TRACE ?? "messages" },
    // The workspace settings file exists from the start, as in most repositories; the test edits
    // it in the editor, as a user does (a write from outside was sometimes missed by code-server's
    // file watcher on a loaded machine, and the change never reached the extension).
    prepare: (workspace) => {
      mkdirSync(join(workspace, ".vscode"), { recursive: true });
      writeFileSync(join(workspace, ".vscode", "settings.json"), "{}\n");
    },
  });
  try {
    await step(window, "the status bar item shows the bundled server running", async () => {
      await window.waitForStatus("running", 60_000);
      const tooltip = await window.page.locator(STATUS_ITEM).getAttribute("title").catch(() => null);
      check(window.serverPids().length === 1, `server processes: ${window.serverPids()}`);
      const args = commandLine(window.serverPids()[0]);
      check(args[0].includes(join("extensions", "placement-lint.placement-lint-")) && args[0].endsWith(join("bin", "placement-lint")),
        `the server is not the bundled binary: ${args.join(" ")} (${tooltip})`);
      check(args.slice(1).join(" ") === "server --stdio", `server arguments: ${args.slice(1).join(" ")}`);
    });

    await step(window, "a Worker source shows PL202 and PL207 without its config being opened", async () => {
      await window.openFile("site/src/index.ts");
      const assets = await window.waitForProblem("PL202 on index.ts", isMarker("site/src", "index.ts", "PL202"));
      check(assets.line === 9 && assets.source === "placement-lint", `PL202: ${JSON.stringify(assets)}`);
      await window.waitForProblem("PL207 on index.ts", isMarker("site/src", "index.ts", "PL207"));
      const tabs = await window.page.locator(".tabs-container .tab").allInnerTexts();
      check(!tabs.some((tab) => tab.includes("wrangler")), `a config was opened: ${tabs}`);
    });

    await step(window, "wrangler.toml: a diagnostic in Problems and TOML highlighting", async () => {
      await window.openFile("api/wrangler.toml");
      const hint = await window.waitForProblem("PL101 on api/wrangler.toml", isMarker("api", "wrangler.toml", "PL101"));
      check(hint.line === 8, `PL101 at line ${hint.line}`);
      const mode = await window.page.locator('[id="status.editor.mode"]').getAttribute("aria-label");
      check(mode === "TOML", `language mode ${mode}`);
      const tokens = await waitFor("the tokens of `mode = \"smart\"`", () => window.tokens('mode = "smart"'));
      const key = tokens.find((token) => token.text === "mode");
      const value = tokens.find((token) => token.text === '"smart"');
      check(key && value, `tokens: ${JSON.stringify(tokens)}`);
      const plain = tokens.find((token) => token.text.trim() === "");
      check(key.color !== value.color && key.color !== plain.color && value.color !== plain.color,
        `key, string and plain text share colours: ${JSON.stringify(tokens)}`);
      const comment = (await window.tokens("# A Worker with the legacy placement hint (PL101): quick fix, hover and highlighting."))?.[0];
      check(comment && comment.color !== key.color && comment.color !== plain.color, `comment: ${JSON.stringify(comment)}`);
      const header = (await window.tokens("[placement]")).find((token) => token.text === "placement");
      check(header.color !== plain.color, `table header: ${JSON.stringify(header)}`);
    });

    await step(window, "the hover on `mode` documents it", async () => {
      await window.goTo(7, 2);
      await window.command("Show or Focus Hover");
      const hover = await waitFor("a hover", async () => {
        const texts = await window.page.locator(".monaco-hover:visible").allInnerTexts();
        return texts.find((text) => text.includes("The placement strategy"));
      });
      check(hover.includes("smart"), `hover: ${hover}`);
      await window.page.keyboard.press("Escape");
    });

    await step(window, "the quick fix removes `hint` and its diagnostic", async () => {
      await window.goTo(8, 1);
      await window.command("Quick Fix...");
      const menu = window.page.locator(".action-widget");
      await menu.waitFor();
      const rows = await waitFor("the quick fixes", async () => {
        const labels = await menu.locator(".monaco-list-row").evaluateAll((elements) => elements.map((element) => element.getAttribute("aria-label") ?? element.innerText));
        return labels.length > 0 && labels;
      });
      const index = rows.findIndex((label) => label.includes("Remove `hint`"));
      check(index >= 0, `quick fixes: ${rows}`);
      // The menu takes the keyboard; an overlay keeps the pointer off it.
      const focused = await menu.locator(".monaco-list-row.focused").getAttribute("aria-label");
      const from = Math.max(0, rows.indexOf(focused));
      for (let i = from; i < index; i++) await window.page.keyboard.press("ArrowDown");
      for (let i = from; i > index; i--) await window.page.keyboard.press("ArrowUp");
      await window.page.keyboard.press("Enter");
      await waitFor("the buffer without `hint`", async () => {
        const lines = await window.editorLines();
        return !lines.some((line) => line.startsWith("hint")) && lines.includes('mode = "smart"') && lines;
      });
      await window.waitForNoProblem("PL101 gone from api/wrangler.toml", isMarker("api", "wrangler.toml", "PL101"));
    });

    await step(window, "wrangler.json is JSON with Comments and shows its diagnostic", async () => {
      await window.openFile("edge/wrangler.json");
      const mode = await window.page.locator('[id="status.editor.mode"]').getAttribute("aria-label");
      check(mode === "JSON with Comments", `language mode ${mode}`);
      await window.waitForProblem("PL102 on edge/wrangler.json", isMarker("edge", "wrangler.json", "PL102"));
      const problems = await waitFor("the markers of edge/wrangler.json", () => window.problems("edge/wrangler.json"));
      const jsonComplaints = problems.filter((marker) => marker.file === "wrangler.json" && marker.source !== "placement-lint");
      check(jsonComplaints.length === 0, `the JSON checker complains: ${JSON.stringify(jsonComplaints)}`);
    });

    await step(window, "wrangler.jsonc: diagnostics, then Fix All (source.fixAll) applies the safe fixes", async () => {
      await window.openFile("site/wrangler.jsonc");
      await window.waitForProblem("PL101 on site/wrangler.jsonc", isMarker("site", "wrangler.jsonc", "PL101"));
      await window.waitForProblem("PL005 on site/wrangler.jsonc", isMarker("site", "wrangler.jsonc", "PL005"));
      await window.command("Fix All");
      await waitFor("the buffer with both safe fixes applied", async () => {
        const lines = await window.editorLines();
        const dates = lines.filter((line) => line.includes('"compatibility_date"')).length;
        return dates === 1 && !lines.some((line) => line.includes('"hint"')) && lines.some((line) => line.includes('"placement": { "mode": "smart" }'));
      });
      await window.waitForNoProblem("PL101 and PL005 gone", (marker) => marker.file === "wrangler.jsonc" && ["PL101", "PL005"].includes(marker.code));
      await window.waitForProblem("PL202 still on index.ts", isMarker("site/src", "index.ts", "PL202"));
    });

    await step(window, "placement-lint: Fix all in workspace fixes a config nobody opened", async () => {
      const jobs = join(window.workspace, "jobs", "wrangler.toml");
      const edge = join(window.workspace, "edge", "wrangler.json");
      const edgeBefore = readFileSync(edge, "utf8");
      await window.command("placement-lint: Fix all in workspace");
      await waitFor("the summary notification", async () => (await window.toasts()).find((text) => text.includes("placement-lint: fixed") && text.includes("jobs/wrangler.toml")));
      const onDisk = readFileSync(jobs, "utf8").split("\n");
      check(!onDisk.some((line) => line.startsWith("hint")) && onDisk.includes('mode = "smart"'), `jobs/wrangler.toml on disk: ${onDisk}`);
      check(readFileSync(edge, "utf8") === edgeBefore, "an unsafe fix was applied to edge/wrangler.json");
      await window.openFile("jobs/wrangler.toml");
      const lines = await window.editorLines();
      check(!lines.some((line) => line.startsWith("hint")) && lines.includes('mode = "smart"'), `jobs/wrangler.toml: ${lines}`);
    });

    await step(window, "a killed server is restarted and publishes again", async () => {
      const [before] = window.serverPids();
      check(before !== undefined, "no server process");
      process.kill(before, "SIGKILL");
      const after = await waitFor("a new server process", () => window.serverPids().find((pid) => pid !== before), 30_000);
      await window.waitForStatus("running");
      // A diagnostic only the new server can publish: the hint typed back in.
      await window.openFile("api/wrangler.toml");
      await window.goTo(8, 1);
      await window.page.keyboard.type('hint = "wnam"\n');
      await window.waitForProblem("PL101 from the restarted server", isMarker("api", "wrangler.toml", "PL101"));
      check(window.serverPids().includes(after), "the restarted server is gone again");
    });

    await step(window, "placement-lint: Restart the language server starts a new one", async () => {
      const [before] = window.serverPids();
      await window.command("placement-lint: Restart the language server");
      await waitFor("a new server process", () => window.serverPids().find((pid) => pid !== before));
      await window.waitForStatus("running");
      check(!window.serverPids().includes(before), "the old server still runs");
      await window.waitForProblem("PL101 after the restart", isMarker("api", "wrangler.toml", "PL101"));
    });

    await step(window, "placementLint.ignore in the workspace's settings hides a rule at once", async () => {
      await window.waitForProblem("PL202 on index.ts before", isMarker("site/src", "index.ts", "PL202"));
      await window.openFile(".vscode/settings.json");
      await window.replaceText(JSON.stringify({ "placementLint.ignore": ["assets-fetch-smart-placement"] }));
      await window.waitForNoProblem("PL202 gone from index.ts", isMarker("site/src", "index.ts", "PL202"));
      await window.waitForProblem("PL207 still on index.ts", isMarker("site/src", "index.ts", "PL207"));
      await window.replaceText("{}");
      await window.waitForProblem("PL202 back on index.ts", isMarker("site/src", "index.ts", "PL202"));
    });

    await step(window, "a broken placement-lint.toml shows its error where it is written", async () => {
      const settingsFile = join(window.workspace, "api", "placement-lint.toml");
      writeFileSync(settingsFile, 'selct = ["PL1"]\n');
      // A marker without a code: its row reads message, source, position.
      const mentions = (words) => (marker) => [marker.message, marker.source, marker.code].some((field) => field?.includes(words));
      const marker = await waitFor("the settings error in Problems", async () => (await window.problems("api/placement-lint.toml"))?.find(mentions("selct")));
      check(marker.line === 1, `the error is on line ${marker.line}`);
      writeFileSync(settingsFile, 'select = ["PL1"]\n');
      await waitFor("the settings error gone", async () => {
        const markers = await window.problems("api/placement-lint.toml");
        return markers !== undefined && !markers.some(mentions("selct"));
      });
      rmSync(settingsFile);
    });

    await step(window, "placement-lint: Show server log shows the server's log lines, none as errors", async () => {
      await window.command("placement-lint: Show server log");
      const text = await waitFor("the log in the Output panel", async () => {
        // The panel's filter box may still hold the Problems panel's filter. Cleared on every
        // look: the Output view may come up after the first, with the filter text carried over.
        const filter = window.page.locator(".part.panel .viewpane-filter input:visible").first();
        if ((await filter.count()) > 0 && (await filter.inputValue()) !== "") await filter.fill("");
        const lines = await window.page.locator(".panel .output-view .view-line").allTextContents();
        const joined = lines.join("\n").replace(/\u00a0/g, " ");
        return joined.includes("[info] initialize:") && joined;
      });
      check(text.includes("server --stdio (bundled with the extension)"), `log: ${text}`);
      // The server's own log lines keep their level (they arrive on stderr, which the language
      // client would otherwise log as errors).
      for (const line of ["initialize: ", "shutdown request received", "exit notification received"]) {
        check(text.includes(`[info] ${line}`), `no "[info] ${line}" in the log: ${text}`);
      }
      check(!/\[error\] (initialize|shutdown request|exit notification)/.test(text), `server log lines shown as errors: ${text}`);
      // The protocol trace (placementLint.trace.server = messages) is in its own channel.
      const traces = findFiles(join(window.userData, "logs"), (name) => name.endsWith("placement-lint (trace).log"));
      check(traces.some((file) => readFileSync(file, "utf8").includes("Sending request 'initialize")), `no traced messages in ${traces}`);
    });
  } finally {
    await window.close();
  }
}

/** A server that cannot start: one notification naming the path and the reason. */
async function failingWindow(name, options, expected) {
  const window = await Window.open(name, options);
  try {
    await step(window, "one notification names the binary and the reason; the status item says failed", async () => {
      const toast = await waitFor("the failure notification", async () => (await window.toasts()).find((text) => text.includes("placement-lint:")), 60_000);
      for (const words of expected) {
        check(toast.includes(words), `the notification lacks "${words}": ${toast}`);
      }
      check(toast.includes("Show server log"), `no "Show server log" button: ${toast}`);
      await window.waitForStatus("failed to start");
      // Nothing else pops up: the language client's own lifecycle toasts are kept quiet.
      await sleep(3_000);
      const toasts = await window.toasts();
      check(toasts.length === 1, `${toasts.length} notifications: ${JSON.stringify(toasts)}`);
      await window.page.locator(".notifications-toasts .notification-toast .monaco-button", { hasText: "Show server log" }).click();
      await waitFor("the server log in the Output panel", async () => {
        const lines = await window.page.locator(".panel .output-view .view-line").allTextContents();
        return lines.join("\n").replace(/\u00a0/g, " ").includes(expected[0]);
      });
    });
  } finally {
    await window.close();
  }
}

function findFiles(root, accept) {
  if (!existsSync(root)) return [];
  const found = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(entry.parentPath ?? root, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, accept));
    else if (accept(entry.name)) found.push(path);
  }
  return found;
}

async function main() {
  rmSync(artefacts, { recursive: true, force: true });
  execFileSync(codeServer, ["--extensions-dir", extensionsDir, "--user-data-dir", join(work, "installer"), "--install-extension", vsix], { stdio: "pipe" });
  Window.browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] });
  const started = Date.now();
  try {
    const only = process.env.E2E_WINDOWS?.split(",");
    const wanted = (name) => only === undefined || only.includes(name);
    if (wanted("main")) await mainWindow();
    if (wanted("bad-path")) await failingWindow("bad-path", { settings: { "placementLint.server.path": "/nonexistent/placement-lint" } }, [
      "/nonexistent/placement-lint",
      "no such file",
    ]);
    // An old release in node_modules (it rejected --stdio): also shows that the workspace's
    // node_modules/.bin comes before the bundled binary.
    if (wanted("old-binary")) await failingWindow("old-binary", {
      prepare: (workspace) => {
        const bin = join(workspace, "node_modules", ".bin");
        mkdirSync(bin, { recursive: true });
        const stub = join(bin, "placement-lint");
        writeFileSync(stub, "#!/bin/sh\necho \"error: unexpected argument '--stdio' found\" >&2\necho 'Usage: placement-lint server' >&2\nexit 2\n");
        chmodSync(stub, 0o755);
      },
    }, [join("node_modules", ".bin", "placement-lint"), "unexpected argument '--stdio' found", "from the workspace's node_modules"]);
  } finally {
    await Window.browser.close();
  }
  const failed = results.filter((result) => !result.ok);
  console.log(`${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failed.length > 0) {
    console.log(`screenshots and logs of the failures: ${artefacts}`);
    process.exitCode = 1;
  } else {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
