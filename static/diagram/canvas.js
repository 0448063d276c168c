// The Canvas renderer for large clusters: past a few hundred pods, thousands of SVG elements make the browser
// crawl, so the same layout is painted on one canvas each frame, pods as small squares that still glide to
// their new place. Clicking a node or a pod still opens the inspector.

import { t } from "./i18n.js";
import { CHIPS, WIDTH, layout } from "./layout.js";
import { nodeReady, nodeStatusText, nodeUsage, podCategory, poweredOn } from "./model.js";

const MOVE_MS = 900;

export class CanvasRenderer {
  constructor(container, palette) {
    this.container = container;
    this.palette = palette;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "diagram-canvas";
    container.appendChild(this.canvas);
    this.context = this.canvas.getContext("2d");
    this.motions = new Map(); // uid -> {fromX, fromY, toX, toY, start}
    this.hits = [];
  }

  destroy() {
    this.canvas.remove();
  }

  render(model) {
    const geometry = layout(model, CHIPS.canvas);
    const now = performance.now();
    const seen = new Set();
    for (const pod of model.pods) {
      const target = geometry.targets.get(pod.metadata.uid);
      if (!target) continue;
      seen.add(pod.metadata.uid);
      const motion = this.motions.get(pod.metadata.uid);
      if (!motion) {
        this.motions.set(pod.metadata.uid, { fromX: geometry.queue.x + 10, fromY: geometry.queue.y + 34, toX: target.x, toY: target.y, start: now, pod });
      } else {
        motion.pod = pod;
        if (motion.toX !== target.x || motion.toY !== target.y) {
          const [x, y] = position(motion, now);
          Object.assign(motion, { fromX: x, fromY: y, toX: target.x, toY: target.y, start: now });
        }
      }
    }
    for (const uid of this.motions.keys()) if (!seen.has(uid)) this.motions.delete(uid);
    this.geometry = geometry;
    this.model = model;
  }

  // Paint one frame; returns whether pods are still moving (so the caller keeps animating).
  paint() {
    const { geometry, model } = this;
    if (!geometry) return false;
    const scale = this.container.clientWidth / WIDTH;
    const ratio = window.devicePixelRatio || 1;
    const height = Math.max(geometry.height, 400);
    const pixelWidth = Math.round(WIDTH * scale * ratio);
    const pixelHeight = Math.round(height * scale * ratio);
    if (this.canvas.width !== pixelWidth || this.canvas.height !== pixelHeight) {
      this.canvas.width = pixelWidth;
      this.canvas.height = pixelHeight;
      this.canvas.style.height = `${height * scale}px`;
    }
    const ctx = this.context;
    ctx.setTransform(scale * ratio, 0, 0, scale * ratio, 0, 0);
    ctx.clearRect(0, 0, WIDTH, height);
    ctx.font = "13px system-ui, sans-serif";
    this.hits = [];
    for (const plane of geometry.controlPlanes) {
      this.box(plane, plane.node && !poweredOn(plane.node) ? "off" : "plane");
      ctx.fillStyle = this.palette.text;
      ctx.fillText(plane.node ? `${plane.node.metadata.name} · ${nodeStatusText(plane.node)}` : t("control plane"), plane.x + 10, plane.y + 20);
    }
    this.box(geometry.queue, "plane");
    ctx.fillStyle = this.palette.text;
    ctx.fillText(`Scheduling queue · ${model.queue.length} pods`, geometry.queue.x + 10, geometry.queue.y + 20);
    for (const box of geometry.nodes) {
      const ready = nodeReady(box.node);
      this.box(box, !poweredOn(box.node) ? "off" : ready === "True" ? "ready" : ready === "False" ? "notready" : "unknown");
      ctx.fillStyle = this.palette.text;
      ctx.fillText(`${box.node.metadata.name} · ${nodeStatusText(box.node)}`, box.x + 10, box.y + 20);
      const usage = nodeUsage(box.node, model.podsByNode.get(box.node.metadata.name) || []);
      this.bar(box, 50, usage.cpuAllocatable ? usage.cpu / usage.cpuAllocatable : 0, "CPU");
      this.bar(box, 68, usage.memoryAllocatable ? usage.memory / usage.memoryAllocatable : 0, t("Mem"));
      this.hits.push({ kind: "Node", key: box.node.metadata.name, ...box });
    }
    const now = performance.now();
    let moving = false;
    const { width, height: chipHeight } = CHIPS.canvas;
    for (const motion of this.motions.values()) {
      const [x, y] = position(motion, now);
      if (now - motion.start < MOVE_MS) moving = true;
      ctx.fillStyle = this.palette.pods[podCategory(motion.pod)];
      ctx.fillRect(x, y, width, chipHeight);
    }
    return moving;
  }

  box({ x, y, width, height }, state) {
    const ctx = this.context;
    ctx.fillStyle = this.palette.boxes[state].fill;
    ctx.strokeStyle = this.palette.boxes[state].stroke;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.roundRect(x, y, width, height, 8);
    ctx.fill();
    ctx.stroke();
  }

  bar(box, offset, fraction, label) {
    const ctx = this.context;
    ctx.fillStyle = this.palette.text;
    ctx.fillText(label, box.x + 10, box.y + offset + 10);
    ctx.fillStyle = this.palette.track;
    ctx.fillRect(box.x + 46, box.y + offset, box.width - 60, 12);
    ctx.fillStyle = this.palette.bar;
    ctx.fillRect(box.x + 46, box.y + offset, (box.width - 60) * Math.min(1, fraction), 12);
  }

  // What was clicked: a pod square first, else the node under the pointer.
  hit(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    const scale = rect.width / WIDTH;
    const x = (clientX - rect.left) / scale;
    const y = (clientY - rect.top) / scale;
    for (const motion of this.motions.values()) {
      if (x >= motion.toX && x <= motion.toX + CHIPS.canvas.width && y >= motion.toY && y <= motion.toY + CHIPS.canvas.height) {
        return { kind: "Pod", key: `${motion.pod.metadata.namespace}/${motion.pod.metadata.name}` };
      }
    }
    const box = this.hits.find((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
    return box ? { kind: box.kind, key: box.key } : null;
  }
}

function position(motion, now) {
  const t = Math.min(1, (now - motion.start) / MOVE_MS);
  const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
  return [motion.fromX + (motion.toX - motion.fromX) * eased, motion.fromY + (motion.toY - motion.fromY) * eased];
}
