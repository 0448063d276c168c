// The event timeline: upstream's reason and message for every Event, its plain explanation, filterable by object.

import { t } from "./i18n.js";
import { EXPLANATION_ANNOTATION } from "./model.js";
import { esc } from "./text.js";

const SHOWN = 150;
const TEMPLATE_ANNOTATION = "kubelab.io/explanation-template";
const ARGS_ANNOTATION = "kubelab.io/explanation-args";

export class Timeline {
  constructor(list, filter, onSelect) {
    this.list = list;
    this.filter = filter;
    this.onSelect = onSelect;
    filter.addEventListener("input", () => this.dirty = true);
    list.addEventListener("click", (click) => {
      const row = click.target.closest("[data-object]");
      if (row) this.onSelect(row.dataset.kind, row.dataset.object);
    });
    this.dirty = true;
  }

  // Show one object's events only (the inspector's "events of this object").
  focus(text) {
    this.filter.value = text;
    this.dirty = true;
  }

  render(store) {
    if (!this.dirty) return;
    this.dirty = false;
    const needle = this.filter.value.trim().toLowerCase();
    const events = store
      .list("Event")
      .filter((event) => !needle || searchable(event).includes(needle))
      .sort((a, b) => (b.lastTimestamp || "").localeCompare(a.lastTimestamp || "") || b.metadata.name.localeCompare(a.metadata.name))
      .slice(0, SHOWN);
    this.list.innerHTML = events.map(row).join("") || `<li class="hint">${esc(needle ? t("No events match.") : t("No events yet."))}</li>`;
  }
}

function searchable(event) {
  const object = event.involvedObject || {};
  return `${object.kind}/${object.name} ${object.namespace || ""} ${event.reason} ${event.message} ${event.source?.component || ""}`.toLowerCase();
}

function row(event) {
  const object = event.involvedObject || {};
  const key = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  const explanation = explanationText(event.metadata.annotations || {});
  const time = (event.lastTimestamp || "").slice(11, 19);
  const count = event.count > 1 ? ` <span class="count">×${event.count}</span>` : "";
  return `<li class="event ${event.type === "Warning" ? "warning" : "normal"}" data-kind="${esc(object.kind)}" data-object="${esc(key)}">
    <div class="event-head"><span class="event-type">${event.type === "Warning" ? "⚠" : "ℹ"}</span>
      <strong class="reason">${esc(event.reason)}</strong>${count}
      <span class="event-object">${esc(object.kind)}/${esc(object.name)}</span><time>${esc(time)}</time></div>
    <div class="message">${esc(event.message)}</div>
    ${explanation ? `<div class="explanation">${esc(explanation)}</div>` : ""}
    <div class="source">${esc(event.source?.component || "")}</div></li>`;
}

// An event's explanation in the page's language. The control plane writes English, plus for a sentence with values
// in it the template and its arguments (JSON): the template is translated, then filled in. Text the catalog lacks,
// and arguments that do not parse (anyone may annotate an Event), leave the English explanation as written.
export function explanationText(annotations) {
  const english = annotations[EXPLANATION_ANNOTATION] || "";
  const template = annotations[TEMPLATE_ANNOTATION];
  if (!template) return english && t(english);
  const args = parsedArgs(annotations[ARGS_ANNOTATION]);
  if (!args) return english;
  return t(template).replace(/\{(\w+)\}/g, (placeholder, key) => (key in args ? String(args[key]) : placeholder));
}

function parsedArgs(json) {
  try {
    const args = JSON.parse(json || "{}");
    return args && typeof args === "object" ? args : null;
  } catch {
    return null;
  }
}
