// The cluster page: connects the store, the socket, the diagram and the panels.

import { Connection } from "./connection.js";
import { renderDaemonSets } from "./daemonsets.js";
import { ActionsPanel, Actions, ClockControls, Toast } from "./controls.js";
import { Diagram, renderLegend } from "./diagram.js";
import { EditPanel } from "./edits.js";
import { t } from "./i18n.js";
import { Inspector } from "./inspector.js";
import { RequestFeed } from "./requests.js";
import { ClusterStore } from "./store.js";
import { Timeline } from "./timeline.js";
import { startTimeTravel } from "./time_travel.js";
import { TrafficOverlay, TrafficPanel } from "./traffic.js";
import { renderServices, renderWorkloads } from "./workloads.js";

const app = document.getElementById("app");
const store = new ClusterStore();
const socketUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/clusters/${app.dataset.clusterId}/`;
const connectionLabel = document.getElementById("connection");
const onStatus = (status, detail) => {
  const labels = { live: t("● live"), connecting: t("connecting…"), reconnecting: t("reconnecting…"), offline: t("○ offline, retrying") };
  connectionLabel.textContent = labels[status] ?? `${t("error:")} ${detail?.message || ""}`;
  connectionLabel.className = `connection ${status}`;
  document.body.dataset.connection = status;
};
const requestFeed = new RequestFeed(document.getElementById("request-feed"), () => diagram.requestArrived());
const connection = new Connection(socketUrl, store, onStatus, (requests) => requestFeed.add(requests));
new EditPanel(document.getElementById("edit-list"), connection);
const toast = new Toast(document.getElementById("toast"));
const actions = new Actions(connection, toast);
const clock = new ClockControls(store, actions);

function showTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== name;
}
document.querySelector(".tabs").addEventListener("click", (click) => {
  const tab = click.target.closest("[data-tab]");
  if (tab) showTab(tab.dataset.tab);
});

const timeline = new Timeline(document.getElementById("timeline"), document.getElementById("event-filter"), select);
const inspector = new Inspector(document.getElementById("inspector"), store, actions, (text) => {
  timeline.focus(text);
  showTab("events");
});
function select(kind, key) {
  inspector.select(kind, key);
  showTab("inspector");
}
for (const id of ["workloads", "services", "daemonsets"]) {
  document.getElementById(id).addEventListener("click", (click) => {
    const element = click.target.closest("[data-kind][data-key]");
    if (element) select(element.dataset.kind, element.dataset.key);
  });
}
const actionsPanel = new ActionsPanel(document.getElementById("actions"), store, actions);
const diagram = new Diagram(document.getElementById("diagram"), store, select);
const trafficPanel = new TrafficPanel(document.getElementById("traffic"), store, actions);
const trafficOverlay = new TrafficOverlay(store);
const apiStatus = document.getElementById("api-status");
store.onChange(() => (timeline.dirty = true));
diagram.onRender = (model) => {
  renderWorkloads(document.getElementById("workloads"), model);
  renderServices(document.getElementById("services"), model);
  renderDaemonSets(document.getElementById("daemonsets"), model);
  trafficOverlay.render(diagram.renderer);
  trafficPanel.render(model);
  apiStatus.textContent = model.apiServerUp ? t("API server up") : t("API server DOWN");
  apiStatus.className = `api-status ${model.apiServerUp ? "up" : "down"}`;
  clock.render();
  timeline.render(store);
  inspector.render();
  actionsPanel.render();
};
renderLegend(document.getElementById("legend"));
connection.open();
startTimeTravel(document.getElementById("time-travel"), { store, connection, toast });

// A handle for the browser console (and the browser tests): the live store, diagram and connection.
window.kubelab = { store, diagram, connection, requestFeed };
