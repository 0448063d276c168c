// The kubectl terminal on the cluster page: lines typed here run as the real kubectl on the server, against this
// cluster, with the rights the person has on it; the diagram above shows what they change.

import { FitAddon } from "../vendor/xterm/addon-fit.mjs";
import { Terminal } from "../vendor/xterm/xterm.mjs";
import { t, tf } from "../diagram/i18n.js";
import { commonPrefix, completionFor } from "./complete.js";
import { LineEditor } from "./line.js";

const PROMPT = "\x1b[1;32m$\x1b[0m ";
const RECONNECT_MS = 2000;
const CTRL_C = "\x03";

class TerminalSession {
  constructor(drawer, clusterId) {
    this.drawer = drawer;
    this.clusterId = clusterId;
    this.editor = document.getElementById("terminal-editor");
    this.term = new Terminal({ convertEol: true, cursorBlink: true, fontSize: 13, scrollback: 5000, theme: { background: "#111820" } });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.line = new LineEditor(this.term, PROMPT);
    this.running = false;
    this.atLineStart = true;
    this.typeahead = [];
    this.hello = { verbs: [], resources: [] };
    this.pending = new Map();
    this.nextId = 1;
    this.term.onData((data) => this.typed(data));
  }

  open() {
    this.term.open(document.getElementById("terminal-screen"));
    this.connect();
  }

  show(visible, focus = true) {
    document.getElementById("terminal-body").hidden = !visible;
    document.getElementById("terminal-toggle").setAttribute("aria-expanded", String(visible));
    document.body.classList.toggle("terminal-open", visible);
    if (visible) {
      this.fit.fit();
      if (focus) this.term.focus();
    }
  }

  get visible() {
    return !document.getElementById("terminal-body").hidden;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = new URLSearchParams({ language: document.documentElement.lang });
    this.socket = new WebSocket(`${scheme}://${location.host}/ws/clusters/${this.clusterId}/terminal/?${query}`);
    this.socket.addEventListener("message", (message) => this.received(JSON.parse(message.data)));
    this.socket.addEventListener("close", () => {
      for (const { reject } of this.pending.values()) reject(new Error(t("the terminal's connection closed")));
      this.pending.clear();
      if (this.running) this.finished({ note: t("the terminal's connection closed") });
      setTimeout(() => this.connect(), RECONNECT_MS);
    });
  }

  request(fields) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, ...fields }));
    });
  }

  received(message) {
    if (message.type === "result" || (message.type === "error" && message.id != null)) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === "result") waiting?.resolve(message);
      else waiting?.reject(new Error(message.status?.message || t("refused")));
    } else if (message.type === "hello") {
      this.greet(message);
    } else if (message.shared) {
      this.showShared(message);
    } else if (message.type === "output") {
      this.output(message.data);
    } else if (message.type === "exit") {
      this.finished(message);
    }
  }

  output(data) {
    this.term.write(data);
    this.atLineStart = data.endsWith("\n");
  }

  greet(hello) {
    const first = this.hello.verbs.length === 0;
    this.hello = hello;
    const role = document.getElementById("terminal-role");
    role.textContent = hello.role === "admin" ? tf("%(cluster)s: you may change it", hello) : tf("%(cluster)s: read-only (view)", hello);
    role.className = `terminal-role ${hello.role}`;
    if (first) {
      this.term.writeln(tf("kubectl on cluster %(cluster)s. Try: kubectl get nodes", hello));
      this.line.render();
    }
  }

  // What the instructor types on the class demo, as it runs: the drawer opens to show it.
  showShared(message) {
    if (message.type === "command") {
      if (!this.visible) this.show(true, false);
      this.term.write(`\r\x1b[K\x1b[36m${message.shared}$ ${message.line}\x1b[0m\r\n`);
      this.atLineStart = true;
    } else if (message.type === "output") {
      this.output(message.data);
    } else if (message.type === "exit") {
      this.note(message);
      if (!this.running) this.line.render();
    }
  }

  typed(data) {
    if (this.running) {
      if (data === CTRL_C) {
        this.typeahead = [];
        this.output("^C");
        this.request({ action: "interrupt" }).catch(() => {});
      } else {
        this.typeahead.push(data); // typed ahead, as a terminal keeps it: it goes to the next prompt
      }
      return;
    }
    if (data === "\r") return this.enter();
    if (data === CTRL_C) {
      this.term.write("^C\r\n");
      this.line.take();
      return this.line.render();
    }
    if (data === "\x7f" || data === "\b") return this.line.backspace();
    if (data === "\t") return this.complete();
    if (data === "\x1b[A") return this.line.recall(-1);
    if (data === "\x1b[B") return this.line.recall(+1);
    if (data === "\x1b[C") return this.line.move(this.line.cursor + 1);
    if (data === "\x1b[D") return this.line.move(this.line.cursor - 1);
    if (data === "\x1b[H" || data === "\x01") return this.line.move(0);
    if (data === "\x1b[F" || data === "\x05") return this.line.move(this.line.text.length);
    if (data === "\x15") return this.line.replace("");
    if (data === "\x0c") {
      this.term.clear();
      return this.line.render();
    }
    const printable = data.split(/[\r\n]/)[0].replace(/[\x00-\x1f\x7f]/g, "");
    if (printable) this.line.insert(printable);
  }

  enter() {
    const line = this.line.take();
    this.term.write("\r\n");
    this.atLineStart = true;
    if (!line.trim()) return this.line.render();
    this.running = true;
    this.request({ action: "run", line, manifest: this.editor.value }).catch((error) => {
      this.term.write(`\x1b[31m${error.message}\x1b[0m\r\n`);
      this.finished({});
    });
  }

  finished(exit) {
    this.running = false;
    this.note(exit);
    this.line.render();
    const typed = this.typeahead;
    this.typeahead = [];
    for (const data of typed) this.typed(data);
  }

  // After a command: a fresh line if its output did not end with one, then why it was stopped, if it was.
  note(exit) {
    if (!this.atLineStart) this.term.write("\r\n");
    if (exit.note) this.term.write(`\x1b[33m${exit.note}\x1b[0m\r\n`);
  }

  async complete() {
    const found = completionFor(this.line.wordsBeforeCursor(), this.hello.verbs, this.hello.resources);
    let candidates = found.candidates;
    if (found.names) {
      try {
        candidates = (await this.request({ action: "complete", ...found.names })).names;
      } catch {
        candidates = [];
      }
    }
    const matching = (candidates || []).filter((candidate) => candidate.startsWith(found.partial));
    if (matching.length === 0) return;
    const shared = commonPrefix(matching);
    const ending = matching.length === 1 ? " " : "";
    if (shared.length > found.partial.length || ending) return this.line.insert(shared.slice(found.partial.length) + ending);
    this.term.write(`\r\n${matching.map((candidate) => (found.prefix || "") + candidate).join("  ")}\r\n`);
    this.line.render();
  }
}

const drawer = document.getElementById("terminal-drawer");
const app = document.getElementById("app");
if (drawer && app) {
  const session = new TerminalSession(drawer, app.dataset.clusterId);
  session.open();
  const toggle = document.getElementById("terminal-toggle");
  toggle.addEventListener("click", () => session.show(!session.visible));
  window.addEventListener("resize", () => {
    if (session.visible) session.fit.fit();
  });
  // A handle for the browser tests: the terminal's text as it shows it.
  window.kubelabTerminal = {
    session,
    text: () => {
      const buffer = session.term.buffer.active;
      const lines = [];
      for (let row = 0; row < buffer.length; row++) lines.push(buffer.getLine(row).translateToString(true));
      return lines.join("\n");
    },
  };
}
