// Below the nodes: each Deployment with its ReplicaSets side by side (a rolling update shows the old set shrinking
// as the new one grows), each ReplicationController drawn as a set of its own, each StatefulSet with one chip per
// ordinal (an ordinal with no pod is an empty slot: db-1 missing is visible at once), and each Service with the
// endpoints traffic would reach.

import { renderBatch } from "./batch.js";
import { t, tf } from "./i18n.js";
import { CATEGORY_GLYPH, controllerOf, ordinalOf, podCategory, podStatusText } from "./model.js";
import { esc } from "./text.js";
import { autoscalerText } from "./usage.js";

export function renderWorkloads(element, model) {
  const podsByOwner = new Map();
  for (const pod of model.pods) {
    const owner = controllerOf(pod);
    if (!owner) continue;
    if (!podsByOwner.has(owner.uid)) podsByOwner.set(owner.uid, []);
    podsByOwner.get(owner.uid).push(pod);
  }
  const chips = (owner) =>
    (podsByOwner.get(owner.metadata.uid) || [])
      .map((pod) => `<span class="mini cat-${podCategory(pod)}" title="${esc(pod.metadata.name)}">${CATEGORY_GLYPH[podCategory(pod)]}</span>`)
      .join("");
  const readyOf = (owner) => tf("%(ready)s/%(wanted)s ready", { ready: owner.status?.readyReplicas ?? 0, wanted: owner.spec?.replicas ?? 0 });
  const sets = (deployment) =>
    model.replicaSets
      .filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid)
      .filter((rs) => (rs.spec?.replicas ?? 0) > 0 || (podsByOwner.get(rs.metadata.uid) || []).length > 0)
      .sort((a, b) => revision(a) - revision(b));
  const cards = model.deployments.map((deployment) => {
    const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
    const status = deployment.status || {};
    const replicaSets = sets(deployment)
      .map((rs) => `<div class="replicaset" data-kind="ReplicaSet" data-key="${esc(`${rs.metadata.namespace}/${rs.metadata.name}`)}">
          <div class="rs-name">${esc(rs.metadata.name)} <span class="rev">${esc(tf("rev %(revision)s", { revision: revision(rs) }))}</span></div>
          <div class="rs-count">${esc(readyOf(rs))}</div>
          <div class="minis">${chips(rs)}</div></div>`)
      .join("");
    const autoscaler = autoscalerText(model, "Deployment", deployment);
    return `<div class="deployment" data-kind="Deployment" data-key="${esc(key)}">
      <div class="deploy-head"><strong>${esc(deployment.metadata.name)}</strong>
        <span>${esc(tf("%(ready)s/%(wanted)s ready · %(updated)s up-to-date", { ready: status.readyReplicas ?? 0, wanted: deployment.spec?.replicas ?? 0, updated: status.updatedReplicas ?? 0 }))}</span>
        ${autoscaler ? `<span class="hpa">${esc(autoscaler)}</span>` : ""}</div>
      <div class="replicasets">${replicaSets || `<span class="hint">${esc(t("no ReplicaSet yet"))}</span>`}</div></div>`;
  });
  const controllers = model.replicationControllers.map(
    (rc) => `<div class="replicaset" data-kind="ReplicationController" data-key="${esc(`${rc.metadata.namespace}/${rc.metadata.name}`)}">
      <div class="rs-name">${esc(rc.metadata.name)}</div>
      <div class="rs-count">${esc(readyOf(rc))}</div>
      <div class="minis">${chips(rc)}</div></div>`,
  );
  const legacy = controllers.length
    ? `<h2>${esc(t("ReplicationControllers"))}</h2><div class="replicasets">${controllers.join("")}</div>`
    : "";
  const stateful = model.statefulSets.map((sts) => statefulSetCard(sts, podsByOwner.get(sts.metadata.uid) || [], readyOf(sts)));
  const statefulSets = stateful.length
    ? `<h2>${esc(t("StatefulSets"))}</h2><div class="replicasets">${stateful.join("")}</div>`
    : "";
  element.innerHTML = `<h2>${esc(t("Deployments"))}</h2>${cards.join("") || `<p class="hint">${esc(t("None."))}</p>`}${legacy}${statefulSets}${renderBatch(model)}`;
}

// One chip per ordinal from 0 to the highest wanted or still present: the pod's state as its colour, its ordinal
// as its text; an ordinal without a Pod object is an empty, dashed slot.
function statefulSetCard(sts, pods, ready) {
  const byOrdinal = new Map(pods.map((pod) => [Number(ordinalOf(pod)), pod]));
  const start = sts.spec?.ordinals?.start ?? 0;
  const last = Math.max(start + (sts.spec?.replicas ?? 0) - 1, ...byOrdinal.keys());
  const slots = [];
  for (let ordinal = start; ordinal <= last; ordinal++) {
    const pod = byOrdinal.get(ordinal);
    const name = `${sts.metadata.name}-${ordinal}`;
    slots.push(pod
      ? `<span class="mini cat-${podCategory(pod)}" data-kind="Pod" data-key="${esc(`${pod.metadata.namespace}/${name}`)}" title="${esc([name, podStatusText(pod), ...claimsOf(pod)].join(" · "))}">${ordinal}</span>`
      : `<span class="mini slot" title="${esc(tf("%(name)s: no pod", { name }))}">${ordinal}</span>`);
  }
  const claims = (sts.spec?.volumeClaimTemplates || []).map((claim) => `${claim.metadata?.name}-${sts.metadata.name}-N`);
  const claimLine = claims.length ? `<div class="rs-count">${esc(tf("claims %(names)s", { names: claims.join(", ") }))}</div>` : "";
  return `<div class="replicaset statefulset" data-kind="StatefulSet" data-key="${esc(`${sts.metadata.namespace}/${sts.metadata.name}`)}">
      <div class="rs-name">${esc(sts.metadata.name)}</div>
      <div class="rs-count">${esc(ready)}</div>${claimLine}
      <div class="minis">${slots.join("")}</div></div>`;
}

// The PersistentVolumeClaims a pod mounts: a StatefulSet pod's own disk, which follows its name.
function claimsOf(pod) {
  return (pod.spec?.volumes || []).map((volume) => volume.persistentVolumeClaim?.claimName).filter(Boolean);
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
      <div class="svc-endpoints">${esc(tf("%(count)s ready", { count: ready.length }))}${notReady.length ? esc(tf(", %(count)s not ready", { count: notReady.length })) : ""}:
        ${ready.map((a) => address(a, "ready")).join("")}${notReady.map((a) => address(a, "notready")).join("")}</div></div>`;
  });
  element.innerHTML = `<h2>${esc(t("Services → endpoints"))}</h2>${cards.join("") || `<p class="hint">${esc(t("None."))}</p>`}`;
}
