// The Canvas renderer for large clusters: past a few hundred pods, thousands of SVG elements make the browser
// crawl, so the same layout is painted on one canvas each frame, pods as small squares that still glide to
// their new place (a StatefulSet pod's square carries its ordinal). Disks are drawn as the SVG renderer places
// them, flat: on their node's shelf or in their zone's strip, with a line to each pod mounting them. Clicking a
// node, a pod or a disk still opens the inspector.

import { DISK, diskLinks, diskStateText, diskTitle, disksOf, placeDisks } from "./disks.js";
import { t, tf } from "./i18n.js";
import { CHIPS, WIDTH, layout } from "./layout.js";
import { nodeReady, nodeStatusText, nodeUsage, ordinalOf, podCategory, poweredOn } from "./model.js";

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
    this.painted = [];
  }

  destroy() {
    this.canvas.remove();
  }

  render(model) {
    const geometry = layout(model, CHIPS.canvas);
    this.placement = placeDisks(model, geometry);
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
    this.painted = [];
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
    this.paintDisks(model, geometry);
    const now = performance.now();
    let moving = false;
    const { width, height: chipHeight } = CHIPS.canvas;
    ctx.font = "bold 7px system-ui, sans-serif";
    ctx.textAlign = "center";
    for (const motion of this.motions.values()) {
      const [x, y] = position(motion, now);
      if (now - motion.start < MOVE_MS) moving = true;
      ctx.fillStyle = this.palette.pods[podCategory(motion.pod)];
      ctx.fillRect(x, y, width, chipHeight);
      const ordinal = ordinalOf(motion.pod);
      if (ordinal !== null) {
        ctx.fillStyle = "#ffffff";
        this.text(ordinal, x + width / 2, y + chipHeight - 0.5);
      }
    }
    ctx.textAlign = "start";
    return moving;
  }

  // Every text painted this frame, in order: what the canvas shows, for those who cannot read pixels.
  text(value, x, y) {
    this.painted.push(String(value));
    this.context.fillText(value, x, y);
  }

  paintDisks(model, geometry) {
    const ctx = this.context;
    const { places, strip } = this.placement;
    const colors = this.palette.disk;
    ctx.lineWidth = 1.5;
    ctx.font = "10px system-ui, sans-serif";
    for (const zone of strip?.zones || []) {
      ctx.strokeStyle = colors.muted;
      ctx.setLineDash([5, 4]);
      ctx.strokeRect(zone.x, strip.y, zone.width, strip.height);
      ctx.setLineDash([]);
      ctx.fillStyle = colors.muted;
      this.text(tf("zone %(zone)s · detached disks", { zone: zone.zone || "—" }), zone.x + 8, strip.y + 16);
    }
    for (const { fromX, fromY, toX, toY, bend, mounted } of diskLinks(model, geometry, places, CHIPS.canvas)) {
      ctx.strokeStyle = mounted ? colors.stroke : colors.warn;
      ctx.setLineDash(mounted ? [] : [3, 3]);
      ctx.beginPath();
      ctx.moveTo(fromX, fromY);
      ctx.bezierCurveTo(bend, fromY, bend, toY, toX, toY);
      ctx.stroke();
    }
    for (const disk of disksOf(model)) {
      const place = places.get(disk.name);
      if (!place) continue;
      const counting = disk.forceIn !== null;
      ctx.fillStyle = disk.state === "free" ? "#ffffff" : colors.fill;
      ctx.strokeStyle = counting ? colors.warn : colors.stroke;
      ctx.setLineDash(disk.state === "attaching" || disk.state === "detaching" ? [4, 3] : []);
      ctx.beginPath();
      ctx.roundRect(place.x, place.y, DISK.width, DISK.height, 4);
      ctx.fill();
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = this.palette.text;
      this.text(diskTitle(disk), place.x + 8, place.y + 11);
      ctx.fillStyle = counting ? colors.warn : colors.muted;
      this.text(diskStateText(disk), place.x + 8, place.y + 22);
      this.hits.push({ kind: "PersistentVolume", key: disk.name, x: place.x, y: place.y, width: DISK.width, height: DISK.height });
    }
    ctx.font = "13px system-ui, sans-serif";
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

  // What was clicked: a pod square first, else the disk or node under the pointer (a disk sits on its node).
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
    const box = this.hits.findLast((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
    return box ? { kind: box.kind, key: box.key } : null;
  }
}

function position(motion, now) {
  const t = Math.min(1, (now - motion.start) / MOVE_MS);
  const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
  return [motion.fromX + (motion.toX - motion.fromX) * eased, motion.fromY + (motion.toY - motion.fromY) * eased];
}
