// What the diagram shows, derived from the store: node health and capacity, pod states, owners, the queue.
//
// Durations are upstream's, in simulated seconds, and every countdown runs on the cluster's simulated clock:
// the learner sees the same 50 s grace and 300 s eviction a real cluster waits, only faster or paused.

import { milliCpu, parseQuantity } from "./quantity.js";

export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";
export const COMPONENTS = ["etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager", "cloud-controller-manager"];
export const DECISION_ANNOTATION = "kubelab.io/scheduling-decision";
export const EXPLANATION_ANNOTATION = "kubelab.io/explanation";
const POWER_ANNOTATION = "kubelab.io/power";
const STATE_ANNOTATION = "kubelab.io/state";
const HEARTBEAT_PERIOD = 10; // upstream: kubelet renews its node Lease every 10 s
export const NODE_MONITOR_GRACE = 50; // upstream: --node-monitor-grace-period=50s (since 1.32)
export const TOLERATION_SECONDS = 300; // upstream: --default-unreachable-toleration-seconds=300
const TERMINAL = new Set(["Succeeded", "Failed"]);

const seconds = (timestamp) => Date.parse(timestamp) / 1000;

export function condition(obj, type) {
  return (obj.status?.conditions || []).find((c) => c.type === type);
}

export function isControlPlane(node) {
  return CONTROL_PLANE_LABEL in (node.metadata.labels || {});
}

export function poweredOn(node) {
  return (node.metadata.annotations || {})[POWER_ANNOTATION] !== "off";
}

export function nodeReady(node) {
  return condition(node, "Ready")?.status ?? "Unknown";
}

// kubectl's STATUS column: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned.
export function nodeStatusText(node) {
  const ready = condition(node, "Ready");
  let text = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
  if (ready?.status === "Unknown") text = "Unknown";
  if (node.spec?.unschedulable) text += ",SchedulingDisabled";
  return text;
}

// When the node last told the control plane it is alive: its Lease renewal, else its Ready heartbeat.
export function lastHeartbeat(store, node) {
  const lease = store.get("Lease", `kube-node-lease/${node.metadata.name}`);
  const times = [lease?.spec?.renewTime, condition(node, "Ready")?.lastHeartbeatTime].filter(Boolean).map(seconds);
  return times.length ? Math.max(...times) : null;
}

// The countdowns a learner watches on a node: to the grace period's end, then to each NoExecute eviction.
export function nodeTimers(store, node, now, pods = []) {
  const heartbeat = lastHeartbeat(store, node);
  const age = heartbeat === null ? null : Math.max(0, now - heartbeat);
  const timers = { age, toUnknown: null, toEviction: null };
  if (age !== null && nodeReady(node) === "True" && age > HEARTBEAT_PERIOD) {
    timers.toUnknown = Math.max(0, NODE_MONITOR_GRACE - age);
  }
  // The eviction countdown only matters while a pod is still there to evict (not already terminating).
  const noExecute = (node.spec?.taints || []).filter((t) => t.effect === "NoExecute" && t.timeAdded);
  if (noExecute.length && pods.some((pod) => !pod.metadata.deletionTimestamp)) {
    const added = Math.min(...noExecute.map((t) => seconds(t.timeAdded)));
    timers.toEviction = Math.max(0, added + TOLERATION_SECONDS - now);
  }
  return timers;
}

function containerRequests(pod) {
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec?.containers || []) {
    const requests = container.resources?.requests || {};
    cpu += milliCpu(requests.cpu);
    memory += parseQuantity(requests.memory);
  }
  return { cpu, memory };
}

// Requested vs allocatable on a node, as `kubectl describe node` sums them (terminated pods excluded).
export function nodeUsage(node, pods) {
  const allocatable = node.status?.allocatable || {};
  const usage = { cpu: 0, memory: 0, cpuAllocatable: milliCpu(allocatable.cpu), memoryAllocatable: parseQuantity(allocatable.memory) };
  for (const pod of pods) {
    if (TERMINAL.has(pod.status?.phase)) continue;
    const { cpu, memory } = containerRequests(pod);
    usage.cpu += cpu;
    usage.memory += memory;
  }
  return usage;
}

// kubectl's pod STATUS: Terminating, a waiting container's reason (ContainerCreating, CrashLoopBackOff), the phase.
export function podStatusText(pod) {
  if (pod.metadata.deletionTimestamp) return "Terminating";
  for (const status of pod.status?.containerStatuses || []) {
    const reason = status.state?.waiting?.reason || status.state?.terminated?.reason;
    if (reason) return reason;
  }
  if (!pod.spec?.nodeName) {
    const scheduled = condition(pod, "PodScheduled");
    return scheduled?.reason === "Unschedulable" ? "Unschedulable" : "Pending";
  }
  if (pod.status?.phase === "Pending") return "ContainerCreating";
  return pod.status?.phase || "Pending";
}

// The colour class of a chip: each has its own colour and glyph, so no state depends on colour alone.
export function podCategory(pod) {
  const text = podStatusText(pod);
  if (text === "Terminating") return "terminating";
  if (text === "Unschedulable") return "unschedulable";
  if (text === "Pending") return "pending";
  if (text === "ContainerCreating" || text === "PodInitializing") return "creating";
  if (text === "Running") return condition(pod, "Ready")?.status === "True" ? "ready" : "notready";
  if (text === "Succeeded" || text === "Completed") return "succeeded";
  if (text === "Unknown") return "unknown";
  return "failed";
}

export const CATEGORY_GLYPH = {
  pending: "…", unschedulable: "!", creating: "◔", ready: "✓", notready: "○",
  failed: "✕", succeeded: "■", terminating: "↓", unknown: "?",
};

export const CATEGORY_LABEL = {
  pending: "Pending (in the queue)", unschedulable: "Unschedulable", creating: "ContainerCreating",
  ready: "Running, ready", notready: "Running, not ready", failed: "Failed / CrashLoopBackOff",
  succeeded: "Succeeded", terminating: "Terminating", unknown: "Unknown",
};

export function controllerOf(obj) {
  return (obj.metadata.ownerReferences || []).find((ref) => ref.controller) || (obj.metadata.ownerReferences || [])[0];
}

// A StatefulSet pod's ordinal (db-1 → "1"), which is its identity; null for any other pod.
export function ordinalOf(pod) {
  if (controllerOf(pod)?.kind !== "StatefulSet") return null;
  return (pod.metadata.labels || {})["apps.kubernetes.io/pod-index"] ?? pod.metadata.name.match(/-(\d+)$/)?.[1] ?? null;
}

export function ownerKey(pod) {
  const owner = controllerOf(pod);
  return owner ? `${owner.kind}/${owner.name}` : "";
}

export function decisionOf(pod) {
  const text = (pod.metadata.annotations || {})[DECISION_ANNOTATION];
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function componentState(component, nodesByName) {
  const annotations = component.metadata.annotations || {};
  const node = nodesByName.get(component.spec?.nodeName);
  const running = annotations[STATE_ANNOTATION] !== "down" && node && poweredOn(node) && component.status?.phase !== "Down";
  return { running: Boolean(running), leader: Boolean(component.status?.leader), phase: component.status?.phase || "" };
}

// Everything one frame needs, computed once per frame.
export function snapshot(store) {
  const now = store.simulatedTime() / 1000;
  const nodes = store.list("Node").sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }));
  const nodesByName = new Map(nodes.map((node) => [node.metadata.name, node]));
  const pods = store.list("Pod");
  const podsByNode = new Map(nodes.map((node) => [node.metadata.name, []]));
  const queue = [];
  for (const pod of pods) {
    const list = podsByNode.get(pod.spec?.nodeName);
    if (list) list.push(pod);
    else queue.push(pod);
  }
  const byOwnerThenName = (a, b) => ownerKey(a).localeCompare(ownerKey(b)) || a.metadata.name.localeCompare(b.metadata.name);
  for (const list of podsByNode.values()) list.sort(byOwnerThenName);
  queue.sort((a, b) => (a.metadata.creationTimestamp || "").localeCompare(b.metadata.creationTimestamp || "") || a.metadata.name.localeCompare(b.metadata.name));
  const components = store.list("ControlPlaneComponent");
  const apiServerUp = !components.some((c) => c.spec?.component === "kube-apiserver")
    || components.some((c) => c.spec?.component === "kube-apiserver" && componentState(c, nodesByName).running);
  return {
    store,
    now,
    nodes,
    nodesByName,
    controlPlanes: nodes.filter(isControlPlane),
    workers: nodes.filter((node) => !isControlPlane(node)),
    pods,
    podsByNode,
    queue,
    components,
    apiServerUp,
    deployments: store.list("Deployment"),
    replicaSets: store.list("ReplicaSet"),
    replicationControllers: store.list("ReplicationController"),
    statefulSets: store.list("StatefulSet"),
    jobs: store.list("Job"),
    cronJobs: store.list("CronJob"),
    services: store.list("Service"),
    autoscalers: store.list("HorizontalPodAutoscaler"),
  };
}
