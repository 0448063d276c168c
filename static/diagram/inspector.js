// The inspector: any object's YAML, conditions and owner chain; for a pod, the scheduler's verdict on every node.

import { t, tf } from "./i18n.js";
import { controllerOf, decisionOf, nodeStatusText, podStatusText, poweredOn } from "./model.js";
import { esc } from "./text.js";
import { toYaml } from "./yaml.js";

const OWNER_KINDS = { ReplicaSet: "ReplicaSet", Deployment: "Deployment", ReplicationController: "ReplicationController", StatefulSet: "StatefulSet" };

export class Inspector {
  constructor(container, store, actions, onEvents) {
    this.container = container;
    this.store = store;
    this.actions = actions;
    this.onEvents = onEvents;
    this.selected = null;
    this.shownVersion = null;
    container.addEventListener("click", (click) => {
      const button = click.target.closest("button[data-act]");
      if (button) this.act(button.dataset.act);
      const link = click.target.closest("[data-goto-kind]");
      if (link) this.select(link.dataset.gotoKind, link.dataset.gotoKey);
    });
  }

  select(kind, key) {
    this.selected = { kind, key };
    this.shownVersion = null;
    this.render();
  }

  render() {
    if (!this.selected) return;
    const { kind, key } = this.selected;
    const obj = this.store.get(kind, key);
    const version = obj ? obj.metadata.resourceVersion : "gone";
    if (version === this.shownVersion) return;
    this.shownVersion = version;
    if (!obj) {
      this.container.innerHTML = `<h2>${esc(kind)} ${esc(key)}</h2><p class="hint">${esc(t("This object no longer exists."))}</p>`;
      return;
    }
    this.container.innerHTML = `
      <h2 class="inspect-title">${esc(kind)} <span>${esc(key)}</span></h2>
      <p class="inspect-status">${esc(statusLine(kind, obj))}</p>
      <div class="inspect-actions">${this.buttons(kind, obj)}<button type="button" data-act="events">${esc(t("Events of this object"))}</button></div>
      ${ownerChain(this.store, obj)}
      ${kind === "Pod" ? claimLinks(this.store, obj) : ""}
      ${conditions(obj)}
      ${kind === "Pod" ? schedulerVerdicts(obj) : ""}
      <details class="yaml" open><summary>YAML</summary><pre>${esc(toYaml(withoutManagedFields(obj)))}</pre></details>`;
  }

  buttons(kind, obj) {
    const button = (act, label) => `<button type="button" data-act="${act}">${esc(t(label))}</button>`;
    if (kind === "Node") {
      return [
        button(poweredOn(obj) ? "power-off" : "power-on", poweredOn(obj) ? "Power off" : "Power on"),
        button(obj.spec?.unschedulable ? "uncordon" : "cordon", obj.spec?.unschedulable ? "Uncordon" : "Cordon"),
        button("drain", "Drain"),
      ].join("");
    }
    if (kind === "Pod") return button("delete-pod", "Delete pod") + button("crash", "Crash container");
    if (kind === "Deployment") return button("scale-up", "Scale +1") + button("scale-down", "Scale −1");
    if (kind === "ControlPlaneComponent") {
      const down = (obj.metadata.annotations || {})["kubelab.io/state"] === "down";
      return button(down ? "component-up" : "component-down", down ? "Bring up" : "Take down");
    }
    return "";
  }

  act(act) {
    const { kind, key } = this.selected;
    const obj = this.store.get(kind, key);
    if (act === "events") return this.onEvents(`${kind}/${obj?.metadata.name ?? key}`);
    if (!obj) return;
    const { name, namespace } = obj.metadata;
    const requests = {
      "power-off": { action: "power", node: name, state: "off" },
      "power-on": { action: "power", node: name, state: "on" },
      cordon: { action: "cordon", node: name, unschedulable: true },
      uncordon: { action: "cordon", node: name, unschedulable: false },
      drain: { action: "drain", node: name },
      "delete-pod": { action: "delete-pod", namespace, name },
      crash: { action: "crash", namespace, name },
      "scale-up": { action: "scale", namespace, name, replicas: (obj.spec?.replicas ?? 1) + 1 },
      "scale-down": { action: "scale", namespace, name, replicas: Math.max(0, (obj.spec?.replicas ?? 1) - 1) },
      "component-down": { action: "component", component: obj.spec.component, name, state: "down" },
      "component-up": { action: "component", component: obj.spec.component, name, state: "up" },
    };
    this.actions.run(requests[act]);
  }
}

function statusLine(kind, obj) {
  if (kind === "Pod") return `${podStatusText(obj)} · ${tf("node %(node)s", { node: obj.spec?.nodeName || t("(none yet)") })}`;
  if (kind === "Node") return `${nodeStatusText(obj)} · ${poweredOn(obj) ? t("power on") : t("power off")}`;
  if (kind === "Deployment" || kind === "ReplicaSet" || kind === "ReplicationController" || kind === "StatefulSet") {
    return tf("%(ready)s/%(wanted)s ready", { ready: obj.status?.readyReplicas ?? 0, wanted: obj.spec?.replicas ?? 0 });
  }
  if (kind === "PersistentVolumeClaim") {
    const capacity = obj.spec?.volumeName ? obj.status?.capacity?.storage : obj.spec?.resources?.requests?.storage;
    return [terminatingOr(obj), obj.spec?.volumeName, capacity, obj.spec?.storageClassName].filter(Boolean).join(" · ");
  }
  if (kind === "PersistentVolume") {
    const claim = obj.spec?.claimRef ? `${obj.spec.claimRef.namespace}/${obj.spec.claimRef.name}` : "";
    return [terminatingOr(obj), obj.spec?.capacity?.storage, claim, obj.spec?.storageClassName].filter(Boolean).join(" · ");
  }
  if (kind === "ControlPlaneComponent") return `${obj.status?.phase || "?"}${obj.status?.leader ? ` · ${t("leader")}` : ""} · ${tf("on %(node)s", { node: obj.spec?.nodeName })}`;
  return "";
}

// A claim's or volume's phase as kubectl shows it: Terminating once deleted.
function terminatingOr(obj) {
  return obj.metadata.deletionTimestamp ? "Terminating" : obj.status?.phase || "?";
}

// The claims a pod mounts, each a link to it with its phase.
function claimLinks(store, pod) {
  const names = (pod.spec?.volumes || []).map((volume) => volume.persistentVolumeClaim?.claimName).filter(Boolean);
  if (!names.length) return "";
  const links = names.map((name) => {
    const key = `${pod.metadata.namespace}/${name}`;
    const claim = store.get("PersistentVolumeClaim", key);
    const phase = claim ? terminatingOr(claim) : "?";
    return `<a href="#" data-goto-kind="PersistentVolumeClaim" data-goto-key="${esc(key)}">PersistentVolumeClaim/${esc(name)}</a> (${esc(phase)})`;
  });
  return `<p class="claims">${links.join(", ")}</p>`;
}

function ownerChain(store, obj) {
  const chain = [];
  let current = obj;
  while (current) {
    const owner = controllerOf(current);
    if (!owner) break;
    const key = current.metadata.namespace ? `${current.metadata.namespace}/${owner.name}` : owner.name;
    chain.push({ kind: owner.kind, key, name: owner.name });
    current = OWNER_KINDS[owner.kind] ? store.get(owner.kind, key) : null;
  }
  if (!chain.length) return "";
  const links = chain.map((link) => `<a href="#" data-goto-kind="${esc(link.kind)}" data-goto-key="${esc(link.key)}">${esc(link.kind)}/${esc(link.name)}</a>`);
  return `<p class="owners">${esc(t("Owned by"))} ${links.join(` ← ${esc(t("owned by"))} `)}</p>`;
}

// Conditions whose True is the trouble (a node under pressure, a failing job, a pod about to go): upstream's
// healthy node reports MemoryPressure False, which must not look like a problem beside Ready False.
const TROUBLE_WHEN_TRUE = new Set([
  "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable", "ReplicaFailure", "Failed", "FailureTarget",
  "DisruptionTarget",
]);

function conditions(obj) {
  const list = obj.status?.conditions || [];
  if (!list.length) return "";
  const rows = list
    .map((c) => `<tr class="cond-${esc(c.status)}${TROUBLE_WHEN_TRUE.has(c.type) ? " cond-trouble-when-true" : ""}"><td>${esc(c.type)}</td><td>${esc(c.status)}</td><td>${esc(c.reason || "")}</td><td>${esc(c.message || "")}</td></tr>`)
    .join("");
  return `<table class="conditions"><thead><tr><th>${esc(t("Condition"))}</th><th>${esc(t("Status"))}</th><th>${esc(t("Reason"))}</th><th>${esc(t("Message"))}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function schedulerVerdicts(pod) {
  const decision = decisionOf(pod);
  if (!decision) return `<p class="hint">${esc(t("No scheduling decision recorded yet."))}</p>`;
  const rows = [];
  for (const [node, verdict] of Object.entries(decision.verdicts || {})) {
    rows.push(`<tr class="rejected"><td>${esc(node)}</td><td>✕ ${esc(verdict.plugin)}</td><td>${esc((verdict.reasons || []).join("; "))}</td></tr>`);
  }
  for (const score of decision.scores || []) {
    const plugins = Object.entries(score.plugins || {}).map(([plugin, value]) => `${plugin} ${value}`).join(", ");
    const chosen = score.node === decision.node;
    rows.push(`<tr class="${chosen ? "chosen" : "scored"}"><td>${esc(score.node)}</td><td>${chosen ? esc(t("✓ chosen, ")) : ""}${esc(tf("score %(score)s", { score: score.total }))}</td><td>${esc(plugins)}</td></tr>`);
  }
  const summary = decision.node
    ? tf("Scheduled on %(node)s: %(feasible)s of %(nodes)s nodes passed the filters.", decision)
    : decision.message || t("Not scheduled yet.");
  return `<h3>${esc(t("Scheduler's decision"))}</h3><p>${esc(summary)}</p>
    <table class="verdicts"><thead><tr><th>${esc(t("Node"))}</th><th>${esc(t("Verdict"))}</th><th>${esc(t("Why"))}</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

// kubectl get -o yaml leaves metadata.managedFields out unless asked (--show-managed-fields); so does the inspector.
function withoutManagedFields(obj) {
  if (!obj.metadata || !obj.metadata.managedFields) return obj;
  const { managedFields, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
