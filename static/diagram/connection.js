// The WebSocket to one cluster: list, then watch; resume after a drop; requests with replies.
//
// Messages are queued as they arrive and applied together once per animation frame, so a burst of hundreds of
// watch events costs one redraw. A dropped connection retries with backoff and asks to resume from the last
// resourceVersion it applied; the server answers with the missed events, or with a fresh list when that version
// has left its window (upstream's "410 Gone" advice). Kube API requests (kubectl's) come along on the same socket and
// go to the request feed, once per frame too.

const MAX_BACKOFF_MS = 5000;
const FLUSH_FALLBACK_MS = 250; // requestAnimationFrame stops in background tabs; keep applying anyway

export class Connection {
  constructor(url, store, onStatus, onRequests) {
    this.url = url;
    this.store = store;
    this.onStatus = onStatus;
    this.onRequests = onRequests;
    this.pending = [];
    this.flushScheduled = false;
    this.requests = new Map();
    this.nextId = 1;
    this.backoff = 250;
    this.listed = false;
    this.held = false; // while the page shows the past (time_travel.js), live frames are dropped
  }

  open() {
    // The page's own language, so refusals come back in it; a reconnect resumes from the last version it saw.
    const query = new URLSearchParams({ language: document.documentElement.lang });
    if (this.listed) query.set("resourceVersion", this.store.resourceVersion);
    const socket = new WebSocket(`${this.url}?${query}`);
    this.socket = socket;
    this.onStatus(this.listed ? "reconnecting" : "connecting");
    socket.onopen = () => {
      this.backoff = 250;
    };
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.onStatus("offline");
      for (const { reject } of this.requests.values()) reject(offlineStatus());
      this.requests.clear();
      setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    };
  }

  receive(message) {
    // The server sends whatever queued up meanwhile as one frame: a JSON array of messages.
    if (Array.isArray(message)) {
      for (const each of message) this.receive(each);
      return;
    }
    if (message.type === "result" || (message.type === "error" && message.id !== undefined)) {
      const request = this.requests.get(message.id);
      if (!request) return;
      this.requests.delete(message.id);
      if (message.explanation) this.onEdit?.(message.explanation, true);
      if (message.type === "result") request.resolve(message);
      else request.reject(message.status);
      return;
    }
    if (message.type === "edit") return this.onEdit?.(message.explanation, false);
    if (this.held) return;
    this.pending.push(message);
    this.scheduleFlush();
  }

  scheduleFlush() {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const flush = () => {
      if (!this.flushScheduled) return;
      this.flushScheduled = false;
      this.flush();
    };
    requestAnimationFrame(flush);
    setTimeout(flush, FLUSH_FALLBACK_MS);
  }

  flush() {
    const messages = this.pending;
    this.pending = [];
    let events = [];
    let resourceVersion = 0;
    const requests = [];
    const applyEvents = () => {
      if (events.length) this.store.apply(events, resourceVersion);
      events = [];
    };
    for (const message of messages) {
      if (message.type === "snapshot") {
        applyEvents();
        this.listed = true;
        this.store.reset(message.objects, message.resourceVersion);
        if (message.clock) this.store.setClock(message.clock);
        this.onStatus("live");
      } else if (message.type === "resumed") {
        this.onStatus("live");
      } else if (message.type === "events") {
        events = events.concat(message.events);
        resourceVersion = Math.max(resourceVersion, message.resourceVersion || 0);
      } else if (message.type === "clock") {
        this.store.setClock(message.clock);
      } else if (message.type === "traffic") {
        this.store.setTraffic(message.traffic);
      } else if (message.type === "request") {
        requests.push(message.request);
      } else if (message.type === "error") {
        this.onStatus("error", message.status);
      }
    }
    applyEvents();
    if (requests.length) this.onRequests(requests);
  }

  // Back to the present after showing the past: a new socket and a fresh list, as after "410 Gone".
  relist() {
    const old = this.socket;
    this.socket = null;
    this.held = false;
    this.listed = false;
    this.pending = [];
    for (const { reject } of this.requests.values()) reject(offlineStatus());
    this.requests.clear();
    old?.close();
    this.open();
  }

  // Send a request ({action: ...}); resolves with the server's result, rejects with a Kubernetes Status.
  request(body) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return Promise.reject(offlineStatus());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ ...body, id }));
    });
  }
}

function offlineStatus() {
  return { kind: "Status", status: "Failure", code: 0, reason: "Offline", message: "Not connected to the lab server; retrying." };
}
