// The SVG renderer for classroom-size clusters: every element is addressable, clickable and animated with CSS.
//
// The static picture (control plane, queue, node cards) is redrawn from the model whenever it changes; pods are
// long-lived elements keyed by uid, so when a pod's place changes its chip glides there (queue → node), and a
// deleted pod fades where it stood. Packets travelling along the links show who talks to the API server.

import { DiskLayer, placeDisks } from "./disks.js";
import { CHIPS, WIDTH, layout } from "./layout.js";
import {
  CATEGORY_GLYPH, componentState, nodeReady, nodeStatusText, nodeTimers, nodeUsage, ordinalOf,
  podCategory, podStatusText, poweredOn,
} from "./model.js";
import { t, tf } from "./i18n.js";
import { formatBytes, formatCpu } from "./quantity.js";
import { duration, esc, shortTaint, truncate } from "./text.js";
import { podCpu } from "./usage.js";

const NS = "http://www.w3.org/2000/svg";
const FADE_MS = 700;
const HIGHLIGHT_MS = 900; // matches the request-pulse animation in diagram.css
const SHORT_NAMES = {
  etcd: "etcd", "kube-apiserver": "apiserver", "kube-scheduler": "scheduler",
  "kube-controller-manager": "controller-mgr", "cloud-controller-manager": "cloud-ctrl-mgr",
};

export class SvgRenderer {
  constructor(container) {
    this.container = container;
    this.svg = document.createElementNS(NS, "svg");
    this.svg.setAttribute("class", "diagram-svg");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", t("Cluster diagram"));
    this.staticLayer = this.layer("static");
    this.disks = new DiskLayer(this.svg);
    this.podLayer = this.layer("pods");
    this.packetLayer = this.layer("packets");
    container.appendChild(this.svg);
    this.chips = new Map();
    this.links = new Map();
  }

  layer(name) {
    const group = document.createElementNS(NS, "g");
    group.setAttribute("class", `layer-${name}`);
    this.svg.appendChild(group);
    return group;
  }

  destroy() {
    this.svg.remove();
  }

  render(model, spotlight) {
    const geometry = layout(model, CHIPS.svg);
    const disks = placeDisks(model, geometry);
    this.geometry = geometry;
    this.svg.setAttribute("viewBox", `0 0 ${WIDTH} ${Math.max(geometry.height, 400)}`);
    this.links = new Map();
    const parts = [];
    for (const plane of geometry.controlPlanes) parts.push(this.controlPlane(plane, model));
    parts.push(this.queueBox(geometry.queue, model));
    for (const box of geometry.nodes) parts.push(this.nodeCard(box, model, spotlight));
    this.staticLayer.innerHTML = parts.join("");
    this.renderPods(model, geometry, spotlight);
    this.disks.render(model, geometry, disks, CHIPS.svg);
  }

  controlPlane(plane, model) {
    const { x, y, width, height, node } = plane;
    const name = node ? node.metadata.name : t("control plane");
    const status = node ? nodeStatusText(node) : "";
    const off = node && !poweredOn(node);
    const narrow = width < 360;
    const label = (component) => (narrow ? SHORT_NAMES[component] : component);
    // A narrow (HA) pill has room for one word: the leader's says so, since leading implies running.
    const stateText = (state) => {
      if (!state.running) return t("✕ down");
      if (!state.leader) return t("✓ running");
      return narrow ? t("✓ leader") : `${t("✓ running")} · ${t("leader")}`;
    };
    const mine = model.components.filter((c) => !node || c.spec?.nodeName === node.metadata.name);
    const pill = (component, fx1, fx2, row) => {
      const object = mine.find((c) => c.spec?.component === component);
      const px = x + width * fx1;
      const py = y + (row === 0 ? 34 : 104);
      const pw = width * (fx2 - fx1);
      const state = object ? componentState(object, model.nodesByName) : { running: false, leader: false };
      const key = object ? object.metadata.name : "";
      this.links.set(`${name}:${component}`, { x: px, y: py, width: pw, height: 34 });
      return `<g class="component ${state.running ? "up" : "down"}" data-kind="ControlPlaneComponent" data-key="${esc(key)}">
        <title>${esc(component)}: ${esc(state.running ? t("running") : t("down"))}${state.leader ? esc(`, ${t("leader")}`) : ""}</title>
        <rect x="${px}" y="${py}" width="${pw}" height="34" rx="6"/>
        <text class="component-name" x="${px + 8}" y="${py + 15}">${esc(label(component))}</text>
        <text class="component-state" x="${px + 8}" y="${py + 29}">${esc(stateText(state))}</text>
        </g>`;
    };
    const parts = [
      `<g class="plane ${off ? "off" : ""}" data-kind="Node" data-key="${esc(node ? node.metadata.name : "")}">
        <rect class="plane-box" x="${x}" y="${y}" width="${width}" height="${height}" rx="8"/>
        <text class="plane-title" x="${x + 10}" y="${y + 20}">${esc(name)}</text>
        <text class="plane-status" x="${x + width - 10}" y="${y + 20}" text-anchor="end">${off ? esc(`${t("powered off")} · `) : ""}${esc(status)}</text></g>`,
      pill("etcd", 0.03, 0.33, 0),
      pill("kube-apiserver", 0.45, 0.97, 0),
      pill("kube-scheduler", 0.03, 0.27, 1),
      pill("kube-controller-manager", 0.3, 0.63, 1),
      pill("cloud-controller-manager", 0.66, 0.97, 1),
    ];
    const box = (id) => this.links.get(`${name}:${id}`);
    const linkPath = (from, to) => {
      const a = box(from);
      const b = box(to);
      if (a.y === b.y) return `M ${a.x + a.width} ${a.y + 17} L ${b.x} ${b.y + 17}`;
      return `M ${b.x + b.width / 2} ${b.y} L ${a.x + a.width / 2} ${a.y + 34}`;
    };
    const paths = {
      etcd: linkPath("etcd", "kube-apiserver"),
      "kube-scheduler": linkPath("kube-apiserver", "kube-scheduler"),
      "kube-controller-manager": linkPath("kube-apiserver", "kube-controller-manager"),
      "cloud-controller-manager": linkPath("kube-apiserver", "cloud-controller-manager"),
    };
    const apiBox = box("kube-apiserver");
    paths.kubelet = `M ${apiBox.x + apiBox.width - 12} ${apiBox.y + 34} L ${apiBox.x + apiBox.width - 12} ${y + height + 18}`;
    this.paths = this.paths || new Map();
    for (const [peer, d] of Object.entries(paths)) {
      this.paths.set(`${name}:${peer}`, d);
      parts.splice(1, 0, `<path class="link" d="${d}"/>`);
    }
    const kcm = box("kube-controller-manager");
    const noteX = narrow ? x + 10 : kcm.x + 4; // a narrow (HA) plane has no room beside the pills: start at its edge
    // the controllers kube-controller-manager runs (the page names them): two lines, every name in the tooltip
    const controllers = (this.container.dataset.controllers || "").split(" ").filter(Boolean);
    if (controllers.length) {
      const names = tf("%(count)s controllers: %(names)s", { count: controllers.length, names: controllers.join(", ") });
      const lines = wrap(names, Math.floor((x + width - noteX - 8) / 6));
      const tooltip = `<title>${esc(controllers.join("\n"))}</title>`;
      lines.forEach((line, index) => {
        parts.push(`<text class="controllers" x="${noteX}" y="${kcm.y + 48 + 13 * index}">${esc(line)}${tooltip}</text>`);
      });
    }
    return parts.join("");
  }

  queueBox(queue, model) {
    const { x, y, width, height } = queue;
    const first = model.queue.find((pod) => pod.status?.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "Unschedulable"));
    const message = first ? (first.status.conditions.find((c) => c.type === "PodScheduled").message || "") : "";
    return `<g class="queue">
      <rect class="queue-box" x="${x}" y="${y}" width="${width}" height="${height}" rx="8"/>
      <text class="queue-title" x="${x + 10}" y="${y + 20}">${esc(t("Scheduling queue"))} · ${esc(tf(model.queue.length === 1 ? "%(count)s pod" : "%(count)s pods", { count: model.queue.length }))}</text>
      ${model.queue.length ? "" : `<text class="hint" x="${x + 10}" y="${y + height - 12}">${esc(t("Empty: every pod has a node."))}</text>`}
      ${message ? `<text class="queue-message" x="${x + 10}" y="${y + height - 10}">${esc(truncate(message, 70))}<title>${esc(message)}</title></text>` : ""}
    </g>`;
  }

  nodeCard(box, model, spotlight) {
    const { node, x, y, width, height } = box;
    const name = node.metadata.name;
    const ready = nodeReady(node);
    const off = !poweredOn(node);
    const timers = nodeTimers(model.store, node, model.now, model.podsByNode.get(node.metadata.name) || []);
    const usage = nodeUsage(node, model.podsByNode.get(name) || []);
    const state = off ? "off" : ready === "True" ? "ready" : ready === "False" ? "notready" : "unknown";
    const heartbeat = timers.age === null ? t("no heartbeat yet") : `♥ ${tf("%(age)s ago", { age: duration(timers.age) })}`;
    let countdown = "";
    if (timers.toUnknown !== null) countdown = tf("Unknown in %(time)s", { time: duration(timers.toUnknown) });
    else if (timers.toEviction !== null) countdown = timers.toEviction > 0 ? tf("evicting pods in %(time)s", { time: duration(timers.toEviction) }) : t("evicting pods");
    const bar = (label, used, total, format, by) => {
      const fraction = total ? Math.min(1, used / total) : 0;
      const bw = width - 120;
      return `<text class="bar-label" x="${x + 10}" y="${by + 10}">${label}</text>
        <rect class="bar-track" x="${x + 46}" y="${by}" width="${bw}" height="12" rx="3"/>
        <rect class="bar-fill ${fraction > 0.9 ? "high" : ""}" x="${x + 46}" y="${by}" width="${bw * fraction}" height="12" rx="3"/>
        <text class="bar-value" x="${x + width - 8}" y="${by + 10}" text-anchor="end">${format(used)}/${format(total)}</text>`;
    };
    const taints = (node.spec?.taints || []).map(shortTaint).join(", ");
    const taintLines = wrap(taints, Math.floor((width - 60) / 6.6));
    const fullTaints = (node.spec?.taints || []).map((t) => `${t.key}:${t.effect}`).join(", ");
    const verdict = spotlight ? this.verdict(box, spotlight) : "";
    const groups = box.groups
      .map((group) => `<text class="group-label" x="${group.x}" y="${group.y + 15}">${esc(truncate((group.owner.split("/")[1] || t("no owner")), 10))}<title>${esc(group.owner || t("no owner"))}</title></text>`)
      .join("");
    return `<g class="node ${state}" data-kind="Node" data-key="${esc(name)}">
      <rect class="node-box" x="${x}" y="${y}" width="${width}" height="${height}" rx="8"/>
      <text class="node-name" x="${x + 10}" y="${y + 20}">${esc(name)}</text>
      <text class="node-status" x="${x + width - 8}" y="${y + 20}" text-anchor="end">${off ? esc(`${t("powered off")} · `) : ""}${esc(nodeStatusText(node))}</text>
      <text class="heartbeat" x="${x + 10}" y="${y + 40}">${esc(heartbeat)}</text>
      <text class="countdown" x="${x + width - 8}" y="${y + 40}" text-anchor="end">${esc(countdown)}</text>
      ${bar("CPU", usage.cpu, usage.cpuAllocatable, formatCpu, y + 50)}
      ${bar(esc(t("Mem")), usage.memory, usage.memoryAllocatable, formatBytes, y + 68)}
      <text class="taints" x="${x + 10}" y="${y + 98}">${taints ? `${esc(t("taints:"))} ${esc(taintLines[0])}` : esc(t("no taints"))}<title>${esc(fullTaints)}</title></text>
      ${taintLines[1] ? `<text class="taints" x="${x + 10}" y="${y + 112}">${esc(taintLines[1])}</text>` : ""}
      ${groups}${verdict}
    </g>`;
  }

  // The scheduler's reasoning on each node while a pod is being placed: filtered out (why) or scored (how much).
  verdict(box, spotlight) {
    const name = box.node.metadata.name;
    const { decision } = spotlight;
    const rejected = decision.verdicts?.[name];
    const score = (decision.scores || []).find((entry) => entry.node === name);
    const { x, y, width } = box;
    if (rejected) {
      const reason = (rejected.reasons || []).join("; ");
      return `<g class="verdict rejected"><rect x="${x + 4}" y="${y + 26}" width="${width - 8}" height="58" rx="6"/>
        <text x="${x + 12}" y="${y + 48}">✕ ${esc(tf("filtered out by %(plugin)s", { plugin: rejected.plugin }))}</text>
        <text class="verdict-reason" x="${x + 12}" y="${y + 70}">${esc(truncate(reason, Math.floor(width / 7)))}</text></g>`;
    }
    if (score) {
      const chosen = decision.node === name;
      const plugins = Object.entries(score.plugins || {}).map(([plugin, value]) => `${plugin} ${value}`).join(", ");
      return `<g class="verdict ${chosen ? "chosen" : "scored"}"><rect x="${x + 4}" y="${y + 26}" width="${width - 8}" height="58" rx="6"/>
        <text x="${x + 12}" y="${y + 48}">${chosen ? esc(`${t("✓ chosen")} · `) : ""}${esc(tf("score %(score)s", { score: score.total }))}</text>
        <text class="verdict-reason" x="${x + 12}" y="${y + 70}">${esc(truncate(plugins, Math.floor(width / 7)))}</text></g>`;
    }
    return "";
  }

  renderPods(model, geometry, spotlight) {
    const seen = new Set();
    const entry = geometry.queue;
    const cpu = podCpu(model);
    for (const pod of model.pods) {
      const uid = pod.metadata.uid;
      const target = geometry.targets.get(uid);
      if (!target) continue;
      seen.add(uid);
      const category = podCategory(pod);
      let chip = this.chips.get(uid);
      const fresh = !chip;
      if (fresh) {
        chip = document.createElementNS(NS, "g");
        chip.innerHTML = `<rect width="${CHIPS.svg.width}" height="${CHIPS.svg.height}" rx="5"/><text x="${CHIPS.svg.width / 2}" y="${CHIPS.svg.height / 2 + 5}" text-anchor="middle"></text><rect class="cpu-bar" x="2" y="${CHIPS.svg.height - 5}" height="3" width="0"/><title></title>`;
        chip.dataset.kind = "Pod";
        // A pod is born in the queue: even one created and bound in the same burst travels from there.
        chip.style.transform = `translate(${entry.x + 10}px, ${entry.y + 34}px)`;
        this.podLayer.appendChild(chip);
        this.chips.set(uid, chip);
        chip.getBoundingClientRect();
      }
      chip.dataset.key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      chip.dataset.node = pod.spec?.nodeName || "";
      chip.setAttribute("class", `pod cat-${category}`);
      chip.querySelector("text").textContent = ordinalOf(pod) ?? CATEGORY_GLYPH[category];
      const use = cpu.get(uid);
      // the bar fills with the pod's CPU use as a share of its request (a full bar at or past the request)
      const share = use?.request ? Math.min(use.used / use.request, 1) : 0;
      chip.querySelector(".cpu-bar").setAttribute("width", String(Math.round(share * (CHIPS.svg.width - 4))));
      const cpuText = use ? ` · ${tf("CPU %(used)s of %(request)s requested", { used: formatCpu(use.used), request: formatCpu(use.request) })}` : "";
      chip.querySelector("title").textContent = `${pod.metadata.name} · ${podStatusText(pod)}${cpuText}`;
      const delayed = spotlight && spotlight.pod === uid && spotlight.fresh;
      chip.style.transitionDelay = delayed ? `${spotlight.holdMs}ms` : "0ms";
      const transform = `translate(${target.x}px, ${target.y}px)`;
      if (chip.style.transform !== transform) chip.style.transform = transform;
    }
    for (const [uid, chip] of this.chips) {
      if (seen.has(uid)) continue;
      this.chips.delete(uid);
      chip.classList.add("leaving");
      setTimeout(() => chip.remove(), FADE_MS);
    }
  }

  // A ring flashing around a control-plane component's box on each node that runs it (a request reached it).
  highlight(component) {
    for (const [key, box] of this.links) {
      if (!key.endsWith(`:${component}`)) continue;
      const ring = document.createElementNS(NS, "rect");
      for (const [name, value] of Object.entries({ x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8, rx: 8 })) {
        ring.setAttribute(name, value);
      }
      ring.setAttribute("class", "request-pulse");
      this.packetLayer.appendChild(ring);
      setTimeout(() => ring.remove(), HIGHLIGHT_MS);
    }
  }

  // A packet travelling along a link: the API server reading from or writing to etcd, a component calling it.
  pulse(peer) {
    if (!this.paths) return;
    for (const [key, d] of this.paths) {
      if (!key.endsWith(`:${peer}`)) continue;
      const packet = document.createElementNS(NS, "circle");
      packet.setAttribute("r", "5");
      packet.setAttribute("class", `packet packet-${peer}`);
      const motion = document.createElementNS(NS, "animateMotion");
      motion.setAttribute("dur", "0.6s");
      motion.setAttribute("path", d);
      motion.setAttribute("fill", "freeze");
      packet.appendChild(motion);
      this.packetLayer.appendChild(packet);
      motion.beginElement?.();
      setTimeout(() => packet.remove(), 650);
    }
  }
}

// Split a comma-separated list into at most two lines of about `length` characters (the second one truncated).
function wrap(text, length) {
  if (text.length <= length) return [text];
  const cut = text.lastIndexOf(", ", length);
  const at = cut > 0 ? cut + 2 : length;
  return [text.slice(0, at), truncate(text.slice(at), length + 8)];
}
