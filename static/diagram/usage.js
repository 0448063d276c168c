// Each pod's simulated CPU use and each HorizontalPodAutoscaler's current/target, for the diagram.
//
// The same documented model the cluster's metrics API serves (cluster_engine/usage.py): every container of a
// Running pod idles at 2m; a `kubelab.io/cpu-load` on a Deployment or a Service is shared equally by the ready
// pods it selects; a container never uses more than its CPU limit. Drawn against the pod's CPU request, the
// quantity an HPA's utilization target is a percentage of.

import { milliCpu } from "./quantity.js";

const LOAD_ANNOTATION = "kubelab.io/cpu-load";
const IDLE_MILLICORES = 2;

const running = (pod) => pod.status?.phase === "Running" && Boolean(pod.spec?.nodeName);
const ready = (pod) => (pod.status?.conditions || []).some((c) => c.type === "Ready" && c.status === "True");

function selects(selector, labels) {
  if (!selector) return false;
  const wanted = Object.entries(selector.matchLabels || {});
  const expressions = selector.matchExpressions || [];
  if (!wanted.length && !expressions.length) return false;
  const has = (key) => Object.hasOwn(labels, key);
  return (
    wanted.every(([key, value]) => labels[key] === value) &&
    expressions.every(({ key, operator, values = [] }) =>
      operator === "In" ? has(key) && values.includes(labels[key])
      : operator === "NotIn" ? !has(key) || !values.includes(labels[key])
      : operator === "Exists" ? has(key)
      : !has(key))
  );
}

// pod uid → { used, request } in millicores, for Running pods.
export function podCpu(model) {
  const demand = new Map();
  const owners = [
    ...model.deployments.map((d) => [d, d.spec?.selector]),
    ...model.services.map((s) => [s, s.spec?.selector ? { matchLabels: s.spec.selector } : null]),
  ];
  for (const [owner, selector] of owners) {
    const load = milliCpu(owner.metadata.annotations?.[LOAD_ANNOTATION]);
    if (!load || !selector) continue;
    const sharing = model.pods.filter(
      (pod) => pod.metadata.namespace === owner.metadata.namespace && running(pod) && ready(pod) && selects(selector, pod.metadata.labels || {}),
    );
    for (const pod of sharing) demand.set(pod.metadata.uid, (demand.get(pod.metadata.uid) || 0) + load / sharing.length);
  }
  const usage = new Map();
  for (const pod of model.pods) {
    if (!running(pod)) continue;
    const containers = pod.spec?.containers || [];
    const share = (demand.get(pod.metadata.uid) || 0) / Math.max(containers.length, 1);
    let used = 0;
    let request = 0;
    for (const container of containers) {
      const limit = container.resources?.limits?.cpu;
      used += Math.min(IDLE_MILLICORES + share, limit === undefined ? Infinity : milliCpu(limit));
      request += milliCpu(container.resources?.requests?.cpu);
    }
    usage.set(pod.metadata.uid, { used: Math.round(used), request });
  }
  return usage;
}

// "cpu: 76%/50% · 10 pods (1–10)" for the HPA scaling a workload, or "" when none does.
export function autoscalerText(model, kind, workload) {
  const hpa = model.autoscalers.find(
    (h) => h.metadata.namespace === workload.metadata.namespace && h.spec?.scaleTargetRef?.kind === kind && h.spec?.scaleTargetRef?.name === workload.metadata.name,
  );
  if (!hpa) return "";
  const metrics = (hpa.spec.metrics || []).map((metric, index) => {
    const source = metric.resource || {};
    const current = hpa.status?.currentMetrics?.[index]?.resource?.current || {};
    const target = source.target || {};
    if (target.averageValue !== undefined) return `${source.name}: ${current.averageValue ?? "?"}/${target.averageValue}`;
    return `${source.name}: ${current.averageUtilization ?? "?"}%/${target.averageUtilization}%`;
  });
  return `HPA ${metrics.join(", ")} · ${hpa.spec.minReplicas ?? 1}–${hpa.spec.maxReplicas}`;
}
