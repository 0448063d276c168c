// Service traffic: the simulated clients' requests as dots travelling from the client (or the cloud load balancer)
// through the Service to the pods, each pod's requests per second, and a meter of success rate and latency.
//
// The control plane sends what the requests met a few times a second ({"type": "traffic"}): per client, the last
// simulated second's counts, the last thirty seconds' history and a few requests followed one by one (samples).
// Only the samples are drawn as dots, so a thousand requests per second costs the page what ten do. Each sample is
// released when the simulated clock reaches the moment it was sent, so dots keep their timing at any speed.

import { t, tf } from "./i18n.js";
import { esc } from "./text.js";

const NS = "http://www.w3.org/2000/svg";
const BAND = 96; // the strip below the nodes where the client and the Service stand
const TRAVEL_MS = 1100; // a dot's flight, client → Service → pod
const END_MS = 700; // how long a failed request's mark stays where it failed
const MAX_DOTS = 60;
const DISPLAY_LAG_MS = 400; // samples arrive a few times a second: drawing them this late spreads them out evenly
const VIA = ["ClusterIP", "NodePort", "LoadBalancer"];
const RESULT_LABEL = {
  ok: "answered",
  refused: "connection refused",
  timeout: "timed out",
  error: "HTTP 503",
  unresolved: "name not resolved",
};
const RESULT_GLYPH = { ok: "●", refused: "✕", timeout: "…", error: "!", unresolved: "?" };

// The meter and the controls, in the strip under the diagram.
export class TrafficPanel {
  constructor(container, store, actions) {
    this.container = container;
    this.store = store;
    this.actions = actions;
    this.signature = "";
    this.meters = "";
    container.addEventListener("click", (click) => {
      const button = click.target.closest("button[data-traffic]");
      if (button) this.send(button.dataset.traffic === "stop" ? 0 : null);
    });
  }

  send(rate) {
    const key = this.container.querySelector("#traffic-service")?.value || "";
    const [namespace, service] = key.split("/");
    const via = this.container.querySelector("#traffic-via")?.value || "ClusterIP";
    const chosen = rate ?? Number.parseInt(this.container.querySelector("#traffic-rate")?.value || "0", 10);
    const running = (this.store.traffic?.clients || []).find((client) => `${client.namespace}/${client.service}` === key);
    return this.actions.run({ action: "traffic", namespace, service, rate: chosen, via: rate === 0 && running ? running.via : via });
  }

  render(model) {
    const services = model.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort();
    const clients = this.store.traffic?.clients || [];
    this.renderControls(services, model);
    const meters = this.container.querySelector(".traffic-meters");
    const html = clients.length
      ? clients.map((client) => meter(client)).join("")
      : `<p class="hint">${esc(t("No traffic. Pick a Service, a way in and a rate, then Start."))}</p>`;
    if (html !== this.meters) meters.innerHTML = this.meters = html;
  }

  renderControls(services, model) {
    const signature = JSON.stringify(services);
    if (signature === this.signature) return;
    const keep = {
      service: this.container.querySelector("#traffic-service")?.value,
      via: this.container.querySelector("#traffic-via")?.value,
      rate: this.container.querySelector("#traffic-rate")?.value || "50",
    };
    this.signature = signature;
    const defaultVia = (key) => {
      const type = model.store.get("Service", key)?.spec?.type;
      return VIA.includes(type) ? type : "ClusterIP";
    };
    const service = keep.service && services.includes(keep.service) ? keep.service : services[0];
    const via = keep.via || (service ? defaultVia(service) : "ClusterIP");
    const option = (value, selected, label = value) =>
      `<option value="${esc(value)}" ${value === selected ? "selected" : ""}>${esc(label)}</option>`;
    this.container.innerHTML = `<h2>${esc(t("Traffic"))}</h2>
      <div class="traffic-controls">
        <select id="traffic-service" aria-label="${esc(t("Service"))}">${services.map((s) => option(s, service)).join("")}</select>
        <select id="traffic-via" aria-label="${esc(t("How requests come in"))}">${VIA.map((v) => option(v, via, viaLabel(v))).join("")}</select>
        <label>${esc(t("requests/s"))} <input id="traffic-rate" type="number" min="1" max="5000" value="${esc(keep.rate)}"></label>
        <button type="button" data-traffic="start">${esc(t("Start / set rate"))}</button>
        <button type="button" data-traffic="stop">${esc(t("Stop"))}</button>
      </div>
      <div class="traffic-meters"></div>`;
    this.meters = "";
  }
}

function viaLabel(via) {
  return { ClusterIP: t("ClusterIP, from a pod"), NodePort: t("NodePort, to the nodes"), LoadBalancer: t("LoadBalancer, from the internet") }[via];
}

function meter(client) {
  const last = client.last;
  const rate = last?.successRate;
  const level = rate === null || rate === undefined ? "idle" : rate >= 0.999 ? "good" : rate >= 0.9 ? "degraded" : "bad";
  const percent = rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(rate >= 0.999 || rate === 0 ? 0 : 1)}%`;
  const failed = Object.entries(last?.failed || {})
    .map(([reason, count]) => `<span class="traffic-failure result-${esc(reason)}">${RESULT_GLYPH[reason]} ${esc(t(RESULT_LABEL[reason]))}: ${count}</span>`)
    .join("");
  const pods = Object.entries(last?.pods || {})
    .map(([pod, count]) => `<li><span>${esc(pod.split("/")[1])}</span><strong>${count}/s</strong></li>`)
    .join("");
  const history = client.history.slice(-30);
  const peak = Math.max(1, ...history.map(([, ok, bad]) => ok + bad));
  const bars = history
    .map(([at, ok, bad]) => {
      const okHeight = Math.round((ok / peak) * 28);
      const badHeight = Math.round((bad / peak) * 28);
      return `<span class="bar" title="${esc(tf("second %(at)s: %(ok)s answered, %(bad)s failed", { at, ok, bad }))}"><span class="bad" style="height:${badHeight}px"></span><span class="ok" style="height:${okHeight}px"></span></span>`;
    })
    .join("");
  const path = client.via === "LoadBalancer"
    ? tf("load balancer %(ip)s → nodes %(nodes)s", { ip: client.loadBalancer?.ip || t("(no address yet)"), nodes: (client.loadBalancer?.backends || []).join(", ") || "–" })
    : client.via === "NodePort" ? t("every worker node's address, in turn") : tf("client pod on %(node)s", { node: client.clientNode || "–" });
  return `<div class="traffic-meter level-${level}" data-client="${esc(client.name)}">
    <div class="meter-head"><strong>${esc(client.dnsName)}</strong>
      <span>${esc(viaLabel(client.via))} · ${esc(tf("%(rate)s requests/s", { rate: client.rate }))}</span></div>
    <div class="meter-figures">
      <span class="success" data-success-rate="${rate ?? ""}"><span class="figure">${percent}</span> ${esc(t("succeeded"))}</span>
      <span class="latency"><span class="figure">${last?.latencyMs ?? "–"}</span> ${esc(t("ms on average"))}</span>
      <span class="sent"><span class="figure">${last?.sent ?? 0}</span> ${esc(t("sent in the last second"))}</span>
    </div>
    <div class="meter-failures">${failed}</div>
    <div class="meter-history" aria-label="${esc(t("The last 30 seconds: answered and failed requests"))}">${bars}</div>
    <div class="meter-path">${esc(path)}</div>
    <ul class="meter-pods" aria-label="${esc(t("Requests per second, per pod"))}">${pods}</ul>
  </div>`;
}

// The dots, over the SVG diagram (the Canvas drawing of thousands of pods shows only the meter).
export class TrafficOverlay {
  constructor(store) {
    this.store = store;
    this.seen = 0; // the newest sample id already queued
    this.queue = []; // samples waiting for the simulated clock to reach their moment
    this.dots = [];
    this.layer = null;
    const frame = (time) => {
      this.animate(time);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  // After each redraw of the diagram: the band, the Service, per-pod rates, and the geometry dots fly through.
  render(renderer) {
    const svg = renderer?.svg;
    const geometry = renderer?.geometry;
    const clients = this.store.traffic?.clients || [];
    if (!svg || !geometry) {
      this.layer = null;
      return;
    }
    if (!this.layer || this.layer.ownerSVGElement !== svg) {
      this.layer = document.createElementNS(NS, "g");
      this.layer.setAttribute("class", "layer-traffic");
      svg.appendChild(this.layer);
      this.dotLayer = null;
    }
    if (!clients.length) {
      this.layer.innerHTML = "";
      this.dotLayer = null;
      this.places = null;
      return;
    }
    const top = Math.max(geometry.height, 400);
    svg.setAttribute("viewBox", `0 0 1000 ${top + BAND}`);
    const client = clients[0];
    const source = { x: 95, y: top + BAND / 2 };
    const service = { x: 500, y: top + BAND / 2 };
    const pods = new Map();
    for (const [key, target] of podTargets(this.store, geometry)) pods.set(key, target);
    const nodes = new Map(geometry.nodes.map((box) => [box.node.metadata.name, { x: box.x + box.width / 2, y: box.y + box.height }]));
    this.places = { source, service, pods, nodes };
    const sourceLabel = client.via === "LoadBalancer"
      ? [t("cloud load balancer"), client.loadBalancer?.ip || t("(no address yet)")]
      : client.via === "NodePort" ? [t("client on the internet"), t("→ node:nodePort")] : [t("client pod"), tf("on %(node)s", { node: client.clientNode || "–" })];
    const rates = Object.entries(client.last?.pods || {})
      .map(([pod, count]) => {
        const at = pods.get(pod);
        return at ? `<text class="pod-rps" x="${at.x + 15}" y="${at.y - 14}" text-anchor="middle">${count}/s</text>` : "";
      })
      .join("");
    const outside = client.via === "ClusterIP" ? "" : `<line class="cluster-edge" x1="190" y1="${top + 6}" x2="190" y2="${top + BAND - 6}"/>
      <text class="band-note" x="196" y="${top + 18}">${esc(t("inside the cluster"))}</text>
      <text class="band-note" x="184" y="${top + 18}" text-anchor="end">${esc(t("outside"))}</text>`;
    this.layer.innerHTML = `<g class="traffic-band">
        <rect class="band" x="10" y="${top + 4}" width="980" height="${BAND - 8}" rx="8"/>
        ${outside}
        <g class="traffic-source via-${esc(client.via)}" data-via="${esc(client.via)}">
          <rect x="${source.x - 80}" y="${source.y - 26}" width="160" height="52" rx="8"/>
          <text x="${source.x}" y="${source.y - 6}" text-anchor="middle">${esc(sourceLabel[0])}</text>
          <text class="sub" x="${source.x}" y="${source.y + 13}" text-anchor="middle">${esc(sourceLabel[1])}</text>
        </g>
        <g class="traffic-service">
          <rect x="${service.x - 170}" y="${service.y - 26}" width="340" height="52" rx="26"/>
          <text x="${service.x}" y="${service.y - 6}" text-anchor="middle">${esc(tf("Service %(name)s", { name: client.service }))}</text>
          <text class="sub" x="${service.x}" y="${service.y + 13}" text-anchor="middle">${esc(client.dnsName)}</text>
        </g>
        ${meterBadge(client, top)}
        ${rates}
      </g><g class="traffic-dots"></g>`;
    this.dotLayer = this.layer.querySelector(".traffic-dots");
    for (const dot of this.dots) this.dotLayer.appendChild(dot.element);
    this.enqueue([client]); // the band draws one client's path: the first; the meters show them all
  }

  enqueue(clients) {
    for (const client of clients) {
      for (const sample of client.samples) {
        if (sample.id <= this.seen) continue;
        this.seen = Math.max(this.seen, sample.id);
        this.queue.push(sample);
      }
    }
    this.queue.sort((a, b) => a.at - b.at);
    if (this.queue.length > MAX_DOTS) this.queue.splice(0, this.queue.length - MAX_DOTS);
  }

  animate(time) {
    const now = this.store.traffic ? simulatedSeconds(this.store) : null;
    const lag = ((this.store.clock?.speed || 1) * DISPLAY_LAG_MS) / 1000;
    while (this.dotLayer && this.places && this.queue.length && now !== null && this.queue[0].at + lag <= now) {
      this.launch(this.queue.shift(), time);
    }
    this.dots = this.dots.filter((dot) => {
      const progress = (time - dot.started) / TRAVEL_MS;
      if (progress >= 1 + END_MS / TRAVEL_MS) {
        dot.element.remove();
        return false;
      }
      const { x, y } = dot.at(Math.min(progress, 1));
      dot.element.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
      if (progress >= 1) dot.element.classList.add("arrived");
      return true;
    });
  }

  launch(sample, time) {
    const { source, service, pods, nodes } = this.places;
    const pod = sample.pod ? pods.get(sample.pod) : null;
    // Where the request ends: its pod, the node that did not answer, or the Service (no name, no endpoint).
    const end = pod || (sample.node && sample.result === "timeout" ? nodes.get(sample.node) : null) || service;
    // Out of the source's right edge, into the Service's left, out of its top towards the pod.
    const out = { x: source.x + 80, y: source.y };
    const into = { x: service.x - 170, y: service.y };
    const up = { x: service.x, y: service.y - 26 };
    const legs = end === service ? [out, into, service] : [out, into, up, end];
    const element = document.createElementNS(NS, "g");
    element.setAttribute("class", `traffic-dot result-${sample.result}`);
    element.dataset.result = sample.result;
    element.innerHTML = `<circle r="5"/>${sample.result === "ok" ? "" : `<text y="-8" text-anchor="middle">${RESULT_GLYPH[sample.result]}</text>`}`;
    const title = document.createElementNS(NS, "title");
    title.textContent = `${t(RESULT_LABEL[sample.result])} · ${sample.ms} ms${sample.pod ? ` · ${sample.pod}` : ""}${sample.node ? ` · ${sample.node}` : ""}`;
    element.appendChild(title);
    this.dotLayer.appendChild(element);
    this.dots.push({ element, started: time, at: (progress) => along(legs, progress) });
  }
}

function meterBadge(client, top) {
  const rate = client.last?.successRate;
  const text = rate === null || rate === undefined ? "–" : `${Math.round(rate * 1000) / 10}%`;
  const level = rate === null || rate === undefined ? "idle" : rate >= 0.999 ? "good" : rate >= 0.9 ? "degraded" : "bad";
  return `<g class="traffic-badge level-${level}">
    <rect x="700" y="${top + 16}" width="280" height="${BAND - 32}" rx="8"/>
    <text x="714" y="${top + 42}">${esc(tf("%(rate)s succeeded", { rate: text }))}</text>
    <text class="sub" x="714" y="${top + 62}">${esc(tf("%(ms)s ms · %(sent)s requests/s", { ms: client.last?.latencyMs ?? "–", sent: client.last?.sent ?? 0 }))}</text>
  </g>`;
}

function podTargets(store, geometry) {
  const targets = new Map();
  for (const pod of store.list("Pod")) {
    const target = geometry.targets.get(pod.metadata.uid);
    if (target) targets.set(`${pod.metadata.namespace}/${pod.metadata.name}`, { x: target.x, y: target.y + 11 });
  }
  return targets;
}

function along(points, progress) {
  const segments = points.length - 1;
  const scaled = Math.min(progress * segments, segments - 1e-9);
  const index = Math.floor(scaled);
  const local = scaled - index;
  const [a, b] = [points[index], points[index + 1]];
  return { x: a.x + (b.x - a.x) * local, y: a.y + (b.y - a.y) * local };
}

// The cluster's simulated second now, as the control plane counts it (the samples' clock).
function simulatedSeconds(store) {
  const traffic = store.traffic;
  if (!store.clock || store.clock.paused) return traffic.now;
  return traffic.now + ((performance.now() - traffic.receivedAt) / 1000) * store.clock.speed;
}
