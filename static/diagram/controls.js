// Clock controls (pause, play, step, speed; Space and S on the keyboard), the actions panel, and refusals.
//
// Every action is a request over the socket to the cluster's API server; a refusal (503 while the API server is
// down, 422 for an invalid replica count, ...) is shown as the Status kubectl would print.

import { t, tf } from "./i18n.js";
import { isControlPlane, poweredOn } from "./model.js";
import { esc } from "./text.js";

export class Actions {
  constructor(connection, toast) {
    this.connection = connection;
    this.toast = toast;
  }

  async run(request) {
    try {
      await this.connection.request(request);
      this.toast.show(tf("%(request)s: done", { request: describe(request) }), "ok");
      return true;
    } catch (status) {
      const why = `${status.code ? `${status.code} ${status.reason}: ` : ""}${status.message}`;
      this.toast.show(tf("%(request)s refused: %(why)s", { request: describe(request), why }), "refused");
      return false;
    }
  }
}

function describe(request) {
  const target = request.node || request.name || request.component || "";
  return `${request.action}${target ? ` ${target}` : ""}${request.state ? ` ${request.state}` : ""}`;
}

export class Toast {
  constructor(element) {
    this.element = element;
  }

  show(text, kind) {
    this.element.textContent = text;
    this.element.className = `toast ${kind}`;
    this.element.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.element.hidden = true), kind === "refused" ? 7000 : 2500);
  }
}

export class ClockControls {
  constructor(store, actions) {
    this.store = store;
    this.actions = actions;
    this.playPause = document.getElementById("play-pause");
    this.speed = document.getElementById("speed");
    this.time = document.getElementById("sim-time");
    this.playPause.addEventListener("click", () => this.toggle());
    document.getElementById("step").addEventListener("click", () => this.step());
    this.speed.addEventListener("change", () => this.actions.run({ action: "clock", speed: Number(this.speed.value) }));
    document.addEventListener("keydown", (key) => {
      if (key.target.closest("input, select, textarea")) return;
      if (key.key === " ") {
        key.preventDefault();
        this.toggle();
      } else if (key.key === "s" || key.key === "S" || key.key === ".") {
        this.step();
      } else if (key.key === "+" || key.key === "-") {
        const options = [...this.speed.options];
        const index = Math.max(0, Math.min(options.length - 1, this.speed.selectedIndex + (key.key === "+" ? 1 : -1)));
        this.actions.run({ action: "clock", speed: Number(options[index].value) });
      }
    });
  }

  toggle() {
    this.actions.run({ action: "clock", paused: !this.store.clock?.paused });
  }

  step() {
    if (!this.store.clock?.paused) this.actions.run({ action: "clock", paused: true });
    this.actions.run({ action: "step" });
  }

  render() {
    const clock = this.store.clock;
    if (!clock) return;
    const paused = clock.paused;
    this.playPause.textContent = paused ? t("▶ Play") : t("Pause");
    this.playPause.setAttribute("aria-pressed", String(paused));
    document.body.classList.toggle("paused", paused);
    if (document.activeElement !== this.speed) {
      const match = [...this.speed.options].find((option) => Number(option.value) === clock.speed);
      if (match) this.speed.value = match.value;
    }
    const time = new Date(this.store.simulatedTime()).toISOString().slice(11, 19);
    this.time.textContent = `${time}${paused ? ` · ${t("paused")}` : ""}`;
  }
}

// The Actions tab: choose a node, deployment or pod, then act on it.
export class ActionsPanel {
  constructor(container, store, actions) {
    this.container = container;
    this.store = store;
    this.actions = actions;
    this.signature = "";
    container.addEventListener("click", (click) => {
      const button = click.target.closest("button[data-request]");
      if (button) this.actions.run(this.request(button.dataset.request));
    });
  }

  value(id) {
    return this.container.querySelector(`#${id}`)?.value || "";
  }

  request(kind) {
    const node = this.value("action-node");
    const [namespace, name] = this.value("action-deployment").split("/");
    const [podNamespace, podName] = this.value("action-pod").split("/");
    const requests = {
      "power-off": { action: "power", node, state: "off" },
      "power-on": { action: "power", node, state: "on" },
      cordon: { action: "cordon", node, unschedulable: true },
      uncordon: { action: "cordon", node, unschedulable: false },
      drain: { action: "drain", node },
      "add-node": { action: "add-node" },
      scale: { action: "scale", namespace, name, replicas: Number.parseInt(this.value("action-replicas"), 10) },
      "delete-pod": { action: "delete-pod", namespace: podNamespace, name: podName },
      crash: { action: "crash", namespace: podNamespace, name: podName },
      "apiserver-down": { action: "component", component: "kube-apiserver", state: "down" },
      "apiserver-up": { action: "component", component: "kube-apiserver", state: "up" },
    };
    return requests[kind];
  }

  render() {
    const nodes = this.store.list("Node").map((n) => n.metadata.name).sort();
    const deployments = this.store.list("Deployment").map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort();
    const pods = this.store.list("Pod").map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    const signature = JSON.stringify([nodes, deployments, pods]);
    if (signature === this.signature) return;
    const keep = { node: this.value("action-node"), deployment: this.value("action-deployment"), pod: this.value("action-pod"), replicas: this.value("action-replicas") };
    this.signature = signature;
    const options = (values, selected) => values.map((v) => `<option ${v === selected ? "selected" : ""}>${esc(v)}</option>`).join("");
    const button = (request, label) => `<button type="button" data-request="${request}">${esc(t(label))}</button>`;
    const firstWorker = this.store.list("Node").find((n) => !isControlPlane(n) && poweredOn(n))?.metadata.name;
    const replicas = keep.replicas || String(this.store.get("Deployment", keep.deployment || deployments[0])?.spec?.replicas ?? 3);
    this.container.innerHTML = `
      <fieldset><legend>${esc(t("Node"))}</legend>
        <select id="action-node" aria-label="${esc(t("Node"))}">${options(nodes, keep.node || firstWorker)}</select>
        <div class="buttons">${button("power-off", "Power off")}${button("power-on", "Power on")}${button("cordon", "Cordon")}${button("uncordon", "Uncordon")}${button("drain", "Drain")}${button("add-node", "+ Add a node")}</div>
      </fieldset>
      <fieldset><legend>${esc(t("Deployment"))}</legend>
        <select id="action-deployment" aria-label="${esc(t("Deployment"))}">${options(deployments, keep.deployment)}</select>
        <label>${esc(t("replicas"))} <input id="action-replicas" type="number" min="0" value="${esc(replicas)}"></label>
        <div class="buttons">${button("scale", "Scale")}</div>
      </fieldset>
      <fieldset><legend>${esc(t("Pod"))}</legend>
        <select id="action-pod" aria-label="${esc(t("Pod"))}">${options(pods, keep.pod)}</select>
        <div class="buttons">${button("delete-pod", "Delete pod")}${button("crash", "Crash its container")}</div>
      </fieldset>
      <fieldset><legend>${esc(t("Control plane (fault injection)"))}</legend>
        <div class="buttons">${button("apiserver-down", "Take the API server down")}${button("apiserver-up", "Bring it back")}</div>
      </fieldset>`;
  }
}
