// The "What this did" panel: after every edit a person makes (in this page, in the admin, on another page of the
// same cluster), the kubectl command that makes the same change and the YAML diff the API server applied.
//
// The server answers this page's own clicks with their explanation and tells every page of the cluster about every
// person's edit, marked with who made it: a class watching the instructor's cluster sees the instructor's admin
// edits explained too. Each explanation has an id, so one heard both ways is shown once, marked as this page's own.

import { t, tf } from "./i18n.js";
import { esc } from "./text.js";

const KEPT = 12;

export class EditPanel {
  constructor(list, connection) {
    this.list = list;
    this.edits = [];
    this.mine = new Set();
    connection.onEdit = (explanation, own) => this.add(explanation, own);
    list.addEventListener("click", (click) => {
      const button = click.target.closest("button[data-copy]");
      if (button) this.copy(button);
    });
  }

  add(explanation, own) {
    if (own) this.mine.add(explanation.id);
    if (!this.edits.some((edit) => edit.id === explanation.id)) this.edits = [explanation, ...this.edits].slice(0, KEPT);
    this.render();
  }

  render() {
    this.list.innerHTML = this.edits.map((edit) => this.row(edit)).join("");
  }

  row(edit) {
    const mine = this.mine.has(edit.id);
    const who = mine ? t("you") : tf("by %(actor)s", { actor: edit.actor });
    return `<li class="edit${mine ? " mine" : ""}" data-edit="${esc(edit.id)}">
      <span class="edit-who">${esc(who)}</span>
      <div class="edit-command-row"><pre class="edit-command">${esc(edit.command)}</pre><button type="button" class="edit-copy" data-copy="${esc(edit.id)}">${esc(t("Copy"))}</button></div>
      <pre class="edit-diff">${edit.diff ? diffLines(edit.diff) : esc(t("(no visible change)"))}</pre></li>`;
  }

  async copy(button) {
    const edit = this.edits.find((each) => each.id === button.dataset.copy);
    try {
      await navigator.clipboard.writeText(edit.command);
      button.textContent = t("Copied");
    } catch {
      // No clipboard outside a secure context: select the command for Ctrl+C instead.
      getSelection().selectAllChildren(button.previousElementSibling);
    }
  }
}

const LINE_CLASSES = [["+++", "file"], ["---", "file"], ["@@", "hunk"], ["+", "add"], ["-", "del"]];

function diffLines(diff) {
  return diff
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const kind = LINE_CLASSES.find(([prefix]) => line.startsWith(prefix))?.[1];
      return kind ? `<span class="${kind}">${esc(line)}</span>` : `${esc(line)}\n`;
    })
    .join("");
}
