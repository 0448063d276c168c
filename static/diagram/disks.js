// Disks as their own shapes: each CSI PersistentVolume sits on the shelf of the node it is attached to, or waits in
// its zone's strip below the nodes when nothing holds it. A line runs to every pod mounting it. When a disk is
// attached elsewhere the shape glides there, so a failover reads as movement: dashed while the external-attacher
// attaches or detaches it, and with a countdown while the attach/detach controller waits out the 6-minute
// maxWaitForUnmountDuration before it force-detaches the disk from a dead node.

import { t, tf } from "./i18n.js";
import { duration, esc, truncate } from "./text.js";

const NS = "http://www.w3.org/2000/svg";
export const DISK = { width: 116, height: 26, gap: 6 };
export const SHELF = 36; // the strip at the foot of each worker card where its attached disks sit
const ZONE_STRIP = 58;
const ZONE_KEYS = ["topology.kubernetes.io/zone", "topology.disk.csi.azure.com/zone", "failure-domain.beta.kubernetes.io/zone"];
const FORCE_DETACH_ANNOTATION = "kubelab.io/force-detach-at";
const FADE_MS = 700;

// Every CSI volume with where it is and who mounts it; computed once per model.
export function disksOf(model) {
  if (model.disks) return model.disks;
  const store = model.store;
  const attachments = store.list("VolumeAttachment");
  const claims = new Map(store.list("PersistentVolumeClaim").map((claim) => [`${claim.metadata.namespace}/${claim.metadata.name}`, claim]));
  model.disks = store.list("PersistentVolume")
    .filter((pv) => pv.spec?.csi)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((pv) => {
      const mine = attachments.filter((va) => va.spec?.source?.persistentVolumeName === pv.metadata.name);
      const active = mine.find((va) => !va.metadata.deletionTimestamp);
      const leaving = mine.find((va) => va.metadata.deletionTimestamp);
      const attachment = active || leaving;
      const state = active ? (active.status?.attached ? "attached" : "attaching") : leaving ? "detaching" : "free";
      const forceAt = active?.metadata.annotations?.[FORCE_DETACH_ANNOTATION];
      const ref = pv.spec.claimRef;
      const claim = ref && claims.get(`${ref.namespace}/${ref.name}`);
      const pods = claim ? model.pods.filter((pod) => pod.metadata.namespace === ref.namespace && pod.spec?.nodeName
        && (pod.spec.volumes || []).some((volume) => volume.persistentVolumeClaim?.claimName === ref.name)) : [];
      return {
        name: pv.metadata.name,
        claim: ref ? ref.name : "",
        zone: zoneOf(pv),
        node: attachment?.spec?.nodeName || null,
        state,
        forceIn: forceAt ? Math.max(0, Date.parse(forceAt) / 1000 - model.now) : null,
        pods,
      };
    });
  return model.disks;
}

function zoneOf(pv) {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms || []) {
    const expression = (term.matchExpressions || []).find((item) => ZONE_KEYS.includes(item.key));
    if (expression?.values?.length) return expression.values[0];
  }
  const labels = pv.metadata.labels || {};
  return ZONE_KEYS.map((key) => labels[key]).find(Boolean) || "";
}

// Room the layout keeps for disks: a shelf in every worker card once the cluster has any disk.
export function shelfHeight(model) {
  return model.store && disksOf(model).length ? SHELF : 0;
}

// Where each disk goes: on its node's shelf, or in its zone's strip beneath the nodes (which grows the drawing).
export function placeDisks(model, geometry) {
  const places = new Map();
  const disks = disksOf(model);
  const boxes = new Map(geometry.nodes.map((box) => [box.node.metadata.name, box]));
  const onNode = new Map();
  const free = [];
  for (const disk of disks) {
    const box = disk.node && boxes.get(disk.node);
    if (!box) {
      free.push(disk);
      continue;
    }
    const index = onNode.get(disk.node) || 0;
    onNode.set(disk.node, index + 1);
    places.set(disk.name, { x: box.x + 8 + index * (DISK.width + DISK.gap), y: box.y + box.height - SHELF + 4 });
  }
  const zones = [...new Set(free.map((disk) => disk.zone))].sort();
  let strip = null;
  if (zones.length) {
    strip = { x: geometry.bottom.x, y: geometry.height, width: geometry.bottom.width, height: ZONE_STRIP, zones: [] };
    const zoneWidth = strip.width / zones.length;
    zones.forEach((zone, column) => {
      const x = strip.x + column * zoneWidth;
      strip.zones.push({ zone, x, width: zoneWidth - DISK.gap });
      free.filter((disk) => disk.zone === zone).forEach((disk, index) => {
        places.set(disk.name, { x: x + 8 + index * (DISK.width + DISK.gap), y: strip.y + 24 });
      });
    });
    geometry.height += ZONE_STRIP + 8;
    geometry.bottom = { ...geometry.bottom, y: geometry.height };
  }
  return { places, strip };
}

// The two lines of a disk shape: its claim (or volume) name, and where it stands or when it is force-detached.
export function diskTitle(disk) {
  return truncate(disk.claim || disk.name, 16);
}

export function diskStateText(disk) {
  if (disk.forceIn !== null) return tf("force detach in %(time)s", { time: duration(disk.forceIn) });
  const labels = { attached: t("attached"), attaching: t("attaching…"), detaching: t("detaching…"), free: t("detached") };
  return labels[disk.state];
}

// A line from each held disk to every pod chip mounting it: from the disk's right end, bending right of the pod
// column, into the chip's right side; `mounted` once the disk is attached where the pod runs.
export function diskLinks(model, geometry, places, chipSize) {
  const links = [];
  for (const disk of disksOf(model)) {
    const place = places.get(disk.name);
    if (!place || disk.state === "free") continue;
    for (const pod of disk.pods) {
      const chip = geometry.targets.get(pod.metadata.uid);
      if (!chip) continue;
      const [fromX, fromY] = [place.x + DISK.width, place.y + DISK.height / 2];
      const [toX, toY] = [chip.x + chipSize.width, chip.y + chipSize.height / 2];
      const mounted = disk.node === pod.spec.nodeName && disk.state === "attached";
      links.push({ fromX, fromY, toX, toY, bend: Math.max(fromX, toX) + 24, mounted });
    }
  }
  return links;
}

export class DiskLayer {
  constructor(svg) {
    this.links = document.createElementNS(NS, "g");
    this.links.setAttribute("class", "layer-disk-links");
    this.layer = document.createElementNS(NS, "g");
    this.layer.setAttribute("class", "layer-disks");
    svg.appendChild(this.links);
    svg.appendChild(this.layer);
    this.shapes = new Map();
  }

  // The zone strip and the pod links are redrawn each time; disk shapes live on and glide to their new place.
  render(model, geometry, placement, chipSize) {
    const { places, strip } = placement;
    const parts = [];
    if (strip) {
      for (const zone of strip.zones) {
        parts.push(`<g class="disk-zone"><rect x="${zone.x}" y="${strip.y}" width="${zone.width}" height="${strip.height}" rx="8"/>
          <text x="${zone.x + 8}" y="${strip.y + 16}">${esc(tf("zone %(zone)s · detached disks", { zone: zone.zone || "—" }))}</text></g>`);
      }
    }
    for (const { fromX, fromY, toX, toY, bend, mounted } of diskLinks(model, geometry, places, chipSize)) {
      parts.push(`<path class="disk-link ${mounted ? "mounted" : "waiting"}" d="M ${fromX} ${fromY} C ${bend} ${fromY}, ${bend} ${toY}, ${toX} ${toY}"/>`);
    }
    const seen = new Set();
    for (const disk of disksOf(model)) {
      const place = places.get(disk.name);
      if (!place) continue;
      seen.add(disk.name);
      this.shape(disk, place);
    }
    this.links.innerHTML = parts.join("");
    for (const [name, shape] of this.shapes) {
      if (seen.has(name)) continue;
      this.shapes.delete(name);
      shape.classList.add("leaving");
      setTimeout(() => shape.remove(), FADE_MS);
    }
  }

  shape(disk, place) {
    let shape = this.shapes.get(disk.name);
    if (!shape) {
      shape = document.createElementNS(NS, "g");
      shape.dataset.kind = "PersistentVolume";
      shape.innerHTML = `<rect class="disk-body" width="${DISK.width}" height="${DISK.height}" rx="4"/>
        <ellipse class="disk-top" cx="12" cy="${DISK.height / 2}" rx="6" ry="${DISK.height / 2 - 3}"/>
        <text class="disk-name" x="22" y="11"></text><text class="disk-state" x="22" y="22"></text><title></title>`;
      shape.style.transform = `translate(${place.x}px, ${place.y}px)`;
      this.layer.appendChild(shape);
      this.shapes.set(disk.name, shape);
      shape.getBoundingClientRect();
    }
    shape.dataset.key = disk.name;
    shape.dataset.node = disk.node || "";
    shape.dataset.state = disk.state;
    const counting = disk.forceIn !== null;
    shape.setAttribute("class", `disk ${disk.state}${counting ? " force-pending" : ""}`);
    shape.querySelector(".disk-name").textContent = diskTitle(disk);
    const state = diskStateText(disk);
    shape.querySelector(".disk-state").textContent = state;
    const where = disk.node ? ` · ${disk.node}` : "";
    shape.querySelector("title").textContent = `${disk.name} (${disk.claim || t("no claim")})${where} · ${state}`;
    const transform = `translate(${place.x}px, ${place.y}px)`;
    if (shape.style.transform !== transform) shape.style.transform = transform;
  }
}
