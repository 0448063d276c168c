// Below the nodes: each Deployment with its ReplicaSets side by side (a rolling update shows the old set shrinking
// as the new one grows), and each Service with the endpoints traffic would reach.

import { CATEGORY_GLYPH, controllerOf, podCategory } from "./model.js";
import { esc } from "./text.js";

export function renderWorkloads(element, model) {
  const podsByOwner = new Map();
  for (const pod of model.pods) {
    const owner = controllerOf(pod);
    if (!owner) continue;
    if (!podsByOwner.has(owner.uid)) podsByOwner.set(owner.uid, []);
    podsByOwner.get(owner.uid).push(pod);
  }
  const sets = (deployment) =>
    model.replicaSets
      .filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid)
      .filter((rs) => (rs.spec?.replicas ?? 0) > 0 || (podsByOwner.get(rs.metadata.uid) || []).length > 0)
      .sort((a, b) => revision(a) - revision(b));
  const cards = model.deployments.map((deployment) => {
    const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
    const status = deployment.status || {};
    const replicaSets = sets(deployment)
      .map((rs) => {
        const pods = podsByOwner.get(rs.metadata.uid) || [];
        const chips = pods.map((pod) => `<span class="mini cat-${podCategory(pod)}" title="${esc(pod.metadata.name)}">${CATEGORY_GLYPH[podCategory(pod)]}</span>`).join("");
        return `<div class="replicaset" data-kind="ReplicaSet" data-key="${esc(`${rs.metadata.namespace}/${rs.metadata.name}`)}">
          <div class="rs-name">${esc(rs.metadata.name)} <span class="rev">rev ${revision(rs)}</span></div>
          <div class="rs-count">${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas ?? 0} ready</div>
          <div class="minis">${chips}</div></div>`;
      })
      .join("");
    return `<div class="deployment" data-kind="Deployment" data-key="${esc(key)}">
      <div class="deploy-head"><strong>${esc(deployment.metadata.name)}</strong>
        <span>${status.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 0} ready · ${status.updatedReplicas ?? 0} up-to-date</span></div>
      <div class="replicasets">${replicaSets || `<span class="hint">no ReplicaSet yet</span>`}</div></div>`;
  });
  element.innerHTML = `<h2>Deployments</h2>${cards.join("") || `<p class="hint">None.</p>`}`;
}

function revision(rs) {
  return Number((rs.metadata.annotations || {})["deployment.kubernetes.io/revision"] || 0);
}

export function renderServices(element, model) {
  const cards = model.services.map((service) => {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const endpoints = model.store.get("Endpoints", key);
    const ready = [];
    const notReady = [];
    for (const subset of endpoints?.subsets || []) {
      for (const address of subset.addresses || []) ready.push(address);
      for (const address of subset.notReadyAddresses || []) notReady.push(address);
    }
    const address = (a, cls) => `<span class="endpoint ${cls}" title="${esc(a.targetRef?.name || "")}">${esc(a.ip)}</span>`;
    const ports = (service.spec?.ports || []).map((p) => `${p.port}/${p.protocol || "TCP"}`).join(", ");
    return `<div class="service" data-kind="Service" data-key="${esc(key)}">
      <div class="svc-head"><strong>${esc(service.metadata.name)}</strong> <span>${esc(service.spec?.type || "ClusterIP")} ${esc(service.spec?.clusterIP || "")} · ${esc(ports)}</span></div>
      <div class="svc-endpoints">${ready.length} ready${notReady.length ? `, ${notReady.length} not ready` : ""}:
        ${ready.map((a) => address(a, "ready")).join("")}${notReady.map((a) => address(a, "notready")).join("")}</div></div>`;
  });
  element.innerHTML = `<h2>Services → endpoints</h2>${cards.join("") || `<p class="hint">None.</p>`}`;
}
