// The live diagram: picks a renderer, redraws once per animation frame when something changed, and turns changes
// into the animations that teach causality (the scheduler's verdicts before a pod travels, packets on the links).

import { CanvasRenderer } from "./canvas.js";
import { t } from "./i18n.js";
import { CATEGORY_GLYPH, CATEGORY_LABEL, decisionOf, snapshot } from "./model.js";
import { SvgRenderer } from "./svg.js";
import { esc } from "./text.js";

// Past a few hundred pods SVG's per-element cost shows; switch with some hysteresis so a cluster hovering at the
// threshold does not flip back and forth.
export const CANVAS_ABOVE = 400;
const SVG_BELOW = 300;
const COUNTDOWN_REFRESH_MS = 250;
const SPOTLIGHT_MS = 1800; // how long the scheduler's verdicts stay on the nodes
const HOLD_MS = 900; // the pod waits in the queue this long while the verdicts show, then travels
const PULSE_GAP_MS = 200;
const PEER_OF_COMPONENT = [
  [/scheduler/, "kube-scheduler"],
  [/kubelet/, "kubelet"],
  [/cloud/, "cloud-controller-manager"],
  [/controller/, "kube-controller-manager"],
];

export class Diagram {
  constructor(container, store, onSelect) {
    this.container = container;
    this.store = store;
    this.palette = readPalette();
    this.dirty = true;
    this.lastRender = 0;
    this.spotlight = null;
    this.lastPulse = new Map();
    this.renderer = null;
    this.onRender = () => {};
    store.onChange((changes, relisted) => this.changed(changes, relisted));
    container.addEventListener("click", (click) => {
      const hit = this.renderer instanceof CanvasRenderer
        ? this.renderer.hit(click.clientX, click.clientY)
        : elementHit(click.target);
      if (hit) onSelect(hit.kind, hit.key);
    });
    const frame = (time) => {
      this.frame(time);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  get mode() {
    return this.renderer instanceof CanvasRenderer ? "canvas" : "svg";
  }

  changed(changes, relisted) {
    this.dirty = true;
    if (relisted) return;
    const bindings = [];
    for (const change of changes) {
      this.pulse("etcd");
      const peer = peerOf(change);
      if (peer) this.pulse(peer);
      if (change.kind === "Pod" && change.object.spec?.nodeName && !change.old?.spec?.nodeName && change.type !== "DELETED") {
        bindings.push(change.object);
      }
    }
    const pod = bindings[bindings.length - 1];
    const decision = pod && decisionOf(pod);
    if (decision) {
      // One binding: hold the pod in the queue while the verdicts show. Many at once: show the last, move all.
      const holdMs = bindings.length === 1 ? HOLD_MS : 0;
      this.spotlight = { pod: pod.metadata.uid, decision, until: performance.now() + SPOTLIGHT_MS, fresh: true, holdMs };
    }
  }

  pulse(peer) {
    const now = performance.now();
    if (now - (this.lastPulse.get(peer) || 0) < PULSE_GAP_MS) return;
    this.lastPulse.set(peer, now);
    this.renderer?.pulse?.(peer);
  }

  // A kube API request was answered: the API server's box lights up (its effect follows as watch events).
  requestArrived() {
    this.renderer?.highlight?.("kube-apiserver");
  }

  frame(time) {
    if (this.spotlight && time > this.spotlight.until) {
      this.spotlight = null;
      this.dirty = true;
    }
    const due = this.dirty || time - this.lastRender > COUNTDOWN_REFRESH_MS;
    if (due) {
      const model = snapshot(this.store);
      this.chooseRenderer(model.pods.length);
      this.renderer.render(model, this.spotlight);
      if (this.spotlight) this.spotlight.fresh = false;
      this.onRender(model);
      this.dirty = false;
      this.lastRender = time;
    }
    if (this.renderer instanceof CanvasRenderer) this.renderer.paint();
  }

  chooseRenderer(pods) {
    const wantCanvas = this.renderer instanceof CanvasRenderer ? pods >= SVG_BELOW : pods > CANVAS_ABOVE;
    if (this.renderer && wantCanvas === this.renderer instanceof CanvasRenderer) return;
    this.renderer?.destroy();
    this.renderer = wantCanvas ? new CanvasRenderer(this.container, this.palette) : new SvgRenderer(this.container);
    this.container.dataset.renderer = this.mode;
  }
}

// Which component's link a change travelled: read from the Event's source when there is one, else inferred.
function peerOf(change) {
  const { kind, object, old } = change;
  if (kind === "Event") {
    const component = object.source?.component || object.reportingComponent || "";
    return PEER_OF_COMPONENT.find(([pattern]) => pattern.test(component))?.[1] || null;
  }
  if (kind === "Lease" && object.metadata.namespace === "kube-node-lease") return "kubelet";
  if (kind === "Pod" && object.spec?.nodeName && !old?.spec?.nodeName) return "kube-scheduler";
  if (kind === "Pod" && old && JSON.stringify(old.status) !== JSON.stringify(object.status)) return "kubelet";
  if (kind === "Node" && old && JSON.stringify(old.status) !== JSON.stringify(object.status)) return "kubelet";
  if (["ReplicaSet", "ReplicationController", "Deployment", "StatefulSet", "Endpoints"].includes(kind) || (kind === "Pod" && !old)) return "kube-controller-manager";
  return null;
}

function elementHit(target) {
  const element = target.closest("[data-kind][data-key]");
  return element && element.dataset.key ? { kind: element.dataset.kind, key: element.dataset.key } : null;
}

function readPalette() {
  const style = getComputedStyle(document.documentElement);
  const value = (name) => style.getPropertyValue(name).trim();
  const box = (state) => ({ fill: value(`--box-${state}-fill`), stroke: value(`--box-${state}-stroke`) });
  return {
    text: value("--text"),
    track: value("--bar-track"),
    bar: value("--bar-fill"),
    pods: Object.fromEntries(Object.keys(CATEGORY_GLYPH).map((category) => [category, value(`--pod-${category}`)])),
    boxes: Object.fromEntries(["plane", "ready", "notready", "unknown", "off"].map((state) => [state, box(state)])),
    disk: { fill: value("--disk-fill"), stroke: value("--disk-stroke"), warn: value("--vermillion"), muted: value("--muted") },
  };
}

export function renderLegend(element) {
  element.innerHTML = Object.entries(CATEGORY_LABEL)
    .map(([category, label]) => `<span class="legend-item"><span class="mini cat-${category}">${CATEGORY_GLYPH[category]}</span>${esc(t(label))}</span>`)
    .join("");
}
