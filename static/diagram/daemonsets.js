// Below the nodes: each DaemonSet as a row of node slots, so "one pod per node" reads at a glance (a slot stays
// empty where the DaemonSet's pod does not fit, such as a tainted control-plane node), and each PodDisruptionBudget
// with the disruptions it allows now: what kubectl drain will be told before it evicts.

import { t, tf } from "./i18n.js";
import { CATEGORY_GLYPH, controllerOf, podCategory } from "./model.js";
import { esc } from "./text.js";

// The node a daemon pod belongs to: its binding, else the node its matchFields affinity names (still pending).
function targetNode(pod) {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms || [];
  for (const term of terms) {
    for (const field of term.matchFields || []) {
      if (field.key === "metadata.name" && (field.values || []).length === 1) return field.values[0];
    }
  }
  return "";
}

function daemonSetCard(ds, model) {
  const key = `${ds.metadata.namespace}/${ds.metadata.name}`;
  const status = ds.status || {};
  const onNode = new Map();
  for (const pod of model.pods) {
    if (controllerOf(pod)?.uid !== ds.metadata.uid) continue;
    const node = targetNode(pod);
    if (!onNode.has(node)) onNode.set(node, []);
    onNode.get(node).push(pod);
  }
  const slots = model.nodes
    .map((node) => {
      const pods = onNode.get(node.metadata.name) || [];
      const chips = pods.length
        ? pods.map((pod) => `<span class="mini cat-${podCategory(pod)}" title="${esc(pod.metadata.name)}">${CATEGORY_GLYPH[podCategory(pod)]}</span>`).join("")
        : `<span class="mini empty" title="${esc(t("no pod: the node does not fit"))}">–</span>`;
      return `<span class="ds-slot"><span class="ds-node">${esc(node.metadata.name)}</span>${chips}</span>`;
    })
    .join("");
  const counts = tf("%(ready)s/%(desired)s ready · %(updated)s up-to-date", {
    ready: status.numberReady ?? 0,
    desired: status.desiredNumberScheduled ?? 0,
    updated: status.updatedNumberScheduled ?? 0,
  });
  return `<div class="daemonset" data-kind="DaemonSet" data-key="${esc(key)}">
    <div class="deploy-head"><strong>${esc(ds.metadata.name)}</strong> <span class="rev">${esc(ds.metadata.namespace)}</span><span>${esc(counts)}</span></div>
    <div class="ds-slots">${slots}</div></div>`;
}

function budgetCard(budget) {
  const key = `${budget.metadata.namespace}/${budget.metadata.name}`;
  const spec = budget.spec || {};
  const status = budget.status || {};
  const rule = spec.minAvailable !== undefined
    ? tf("min available %(value)s", { value: spec.minAvailable })
    : tf("max unavailable %(value)s", { value: spec.maxUnavailable ?? "" });
  const allowed = status.disruptionsAllowed ?? 0;
  return `<div class="budget ${allowed > 0 ? "allows" : "blocks"}" data-kind="PodDisruptionBudget" data-key="${esc(key)}">
    <div class="deploy-head"><strong>${esc(budget.metadata.name)}</strong><span>${esc(rule)}</span></div>
    <div class="budget-allowed">${esc(tf("allowed disruptions: %(count)s", { count: allowed }))}
      <span class="rev">${esc(tf("%(healthy)s healthy, %(desired)s needed", { healthy: status.currentHealthy ?? 0, desired: status.desiredHealthy ?? 0 }))}</span></div></div>`;
}

export function renderDaemonSets(element, model) {
  const daemonSets = model.store.list("DaemonSet").sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const budgets = model.store.list("PodDisruptionBudget");
  const budgetPart = budgets.length
    ? `<h2>${esc(t("Disruption budgets"))}</h2>${budgets.map(budgetCard).join("")}`
    : "";
  element.innerHTML = `<h2>${esc(t("DaemonSets"))}</h2>${daemonSets.map((ds) => daemonSetCard(ds, model)).join("") || `<p class="hint">${esc(t("None."))}</p>`}${budgetPart}`;
}
