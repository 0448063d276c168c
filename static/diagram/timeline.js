// The event timeline: upstream's reason and message for every Event, its plain explanation, filterable by object.

import { t } from "./i18n.js";
import { EXPLANATION_ANNOTATION } from "./model.js";
import { esc } from "./text.js";

const SHOWN = 150;

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
  const explanation = (event.metadata.annotations || {})[EXPLANATION_ANNOTATION];
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
