// Where everything goes: one geometry for both renderers (SVG for classroom clusters, Canvas for large ones).
//
// The page is a fixed 1000-unit-wide drawing that scales to the window: the control plane and the scheduling
// queue on top, worker nodes below (pods grouped by owner inside them), workloads and services at the bottom.

import { shelfHeight } from "./disks.js";
import { ownerKey } from "./model.js";

export const WIDTH = 1000;
const MARGIN = 10;
const GAP = 12;
const CONTROL_PLANE_HEIGHT = 178;
const QUEUE_STRIP_HEIGHT = 72;
const NODE_HEADER = 120;
const GROUP_LABEL = 64;

// Chip sizes: big enough to read on a projector in SVG; small squares when thousands of pods share the Canvas.
export const CHIPS = {
  svg: { width: 30, height: 22, gap: 4, labels: true },
  canvas: { width: 7, height: 7, gap: 2, labels: false },
};

export function layout(model, chip) {
  const geometry = { controlPlanes: [], queue: null, nodes: [], targets: new Map(), height: 0 };
  let y = MARGIN;

  // One control-plane node shares the top band with the queue. Three (HA) take the whole band, each wide enough to
  // name its components, and the queue becomes a strip beneath them.
  const planes = model.controlPlanes.length ? model.controlPlanes : [null];
  const ha = planes.length > 1;
  const planeArea = ha ? WIDTH - 2 * MARGIN : Math.round((WIDTH - 2 * MARGIN) * 0.6);
  const planeWidth = (planeArea - GAP * (planes.length - 1)) / planes.length;
  planes.forEach((node, index) => {
    geometry.controlPlanes.push({ node, x: MARGIN + index * (planeWidth + GAP), y, width: planeWidth, height: CONTROL_PLANE_HEIGHT });
  });
  if (ha) {
    y += CONTROL_PLANE_HEIGHT + GAP;
    geometry.queue = { x: MARGIN, y, width: WIDTH - 2 * MARGIN, height: QUEUE_STRIP_HEIGHT };
  } else {
    const queueX = MARGIN + planeArea + GAP;
    geometry.queue = { x: queueX, y, width: WIDTH - MARGIN - queueX, height: CONTROL_PLANE_HEIGHT };
  }
  placeGrid(geometry.targets, model.queue, geometry.queue.x + 10, y + 30, geometry.queue.width - 20, chip);
  y += geometry.queue.height + GAP + 8;

  // Worker nodes: up to four per row, each as tall as its pods need.
  const workers = model.workers;
  const columns = Math.max(1, Math.min(4, workers.length));
  const nodeWidth = (WIDTH - 2 * MARGIN - GAP * (columns - 1)) / columns;
  const shelf = shelfHeight(model); // attached disks sit at the foot of a card
  for (let row = 0; row * columns < workers.length; row++) {
    const rowNodes = workers.slice(row * columns, row * columns + columns);
    let rowHeight = NODE_HEADER + chip.height + 16 + shelf;
    rowNodes.forEach((node, column) => {
      const x = MARGIN + column * (nodeWidth + GAP);
      const pods = model.podsByNode.get(node.metadata.name) || [];
      const box = { node, x, y, width: nodeWidth, groups: [] };
      const used = placeGroups(geometry.targets, box, pods, x + 8, y + NODE_HEADER, nodeWidth - 16, chip);
      rowHeight = Math.max(rowHeight, NODE_HEADER + used + 10 + shelf);
      geometry.nodes.push(box);
    });
    for (const box of geometry.nodes.slice(-rowNodes.length)) box.height = rowHeight;
    y += rowHeight + GAP;
  }
  // Pods bound to a node we do not draw (a control-plane node, a node not listed yet) wait beside the queue.
  for (const pod of model.controlPlanes.flatMap((node) => model.podsByNode.get(node.metadata.name) || [])) {
    geometry.targets.set(pod.metadata.uid, { x: geometry.queue.x + geometry.queue.width - chip.width - 6, y: geometry.queue.y + 6 });
  }

  geometry.bottom = { x: MARGIN, y, width: WIDTH - 2 * MARGIN };
  geometry.height = y;
  return geometry;
}

function placeGrid(targets, pods, x, y, width, chip) {
  const perRow = Math.max(1, Math.floor((width + chip.gap) / (chip.width + chip.gap)));
  pods.forEach((pod, index) => {
    targets.set(pod.metadata.uid, {
      x: x + (index % perRow) * (chip.width + chip.gap),
      y: y + Math.floor(index / perRow) * (chip.height + chip.gap),
    });
  });
  return Math.ceil(pods.length / perRow) * (chip.height + chip.gap);
}

// Inside a node, pods of one owner share a row (labelled in SVG), so a ReplicaSet's spread is visible at a glance.
function placeGroups(targets, box, pods, x, y, width, chip) {
  if (!chip.labels) return placeGrid(targets, pods, x, y, width, chip);
  const groups = new Map();
  for (const pod of pods) {
    const key = ownerKey(pod);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(pod);
  }
  let used = 0;
  for (const [owner, members] of groups) {
    box.groups.push({ owner, x, y: y + used });
    used += placeGrid(targets, members, x + GROUP_LABEL, y + used, width - GROUP_LABEL, chip);
  }
  return used;
}
