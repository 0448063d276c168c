// The "kubectl / API requests" feed: each kube API request as it is answered (verb, resource, name, who, status).
//
// A request's effect arrives separately, as the watch events its write caused, and the diagram animates those;
// the feed says what asked for it. The newest request is on top; only the last few dozen are kept.

import { t } from "./i18n.js";
import { esc } from "./text.js";

const KEPT = 40;

export class RequestFeed {
  constructor(list, onArrival) {
    this.list = list;
    this.onArrival = onArrival;
    this.rows = [];
    this.render();
  }

  add(requests) {
    this.rows = [...requests.reverse().map(row), ...this.rows].slice(0, KEPT);
    this.render();
    this.onArrival(requests.length);
  }

  render() {
    this.list.innerHTML = this.rows.join("") || `<li class="hint">${esc(t("No request yet: try kubectl get pods."))}</li>`;
  }
}

// "PATCH deployments/web (scale)": kubectl's own way of naming what it touched.
export function describeRequest(request) {
  const target = request.name ? `${request.resource}/${request.name}` : request.resource;
  return `${request.verb.toUpperCase()} ${target}${request.subresource ? ` (${request.subresource})` : ""}`;
}

// A service account's own name for its user ("system:serviceaccount:kube-system:kubelab-admin" → "kubelab-admin").
const shortUser = (user) => user.split(":").pop();

function row(request) {
  const outcome = request.code < 400 ? "ok" : "refused";
  const where = request.namespace ? `${t("namespace")} ${request.namespace}` : t("cluster-wide");
  const title = `${where} · ${request.user} · ${request.userAgent}`;
  return `<li class="request ${outcome}" title="${esc(title)}">
    <span class="request-what">${esc(describeRequest(request))}</span>
    <span class="request-code">${esc(request.code)}</span> · <span class="request-user">${esc(shortUser(request.user))}</span></li>`;
}
