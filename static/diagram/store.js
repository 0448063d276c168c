// The browser's copy of one cluster: a list, then the watch stream applied on top of it.
//
// Like an informer, it keeps the newest version of every object and drops anything older than what it holds:
// events replayed after a resume or overlapping a re-list change nothing. Each applied batch reports what changed
// so the diagram can animate causes (a pod bound, a node gone Unknown) instead of redrawing blindly.

export const keyOf = (obj) => {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
};

const versionOf = (obj) => Number(obj.metadata.resourceVersion || 0);

export class ClusterStore {
  constructor() {
    this.kinds = new Map();
    this.resourceVersion = 0;
    this.clock = null;
    this.listeners = new Set();
  }

  of(kind) {
    let objects = this.kinds.get(kind);
    if (!objects) this.kinds.set(kind, (objects = new Map()));
    return objects;
  }

  list(kind) {
    return [...this.of(kind).values()];
  }

  get(kind, key) {
    return this.of(kind).get(key);
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  // Replace everything with a fresh list: the start of a connection or a re-list after "410 Gone".
  reset(objects, resourceVersion) {
    const changes = [];
    const seen = new Set();
    for (const obj of objects) {
      const key = `${obj.kind}|${keyOf(obj)}`;
      seen.add(key);
      const old = this.get(obj.kind, keyOf(obj));
      this.of(obj.kind).set(keyOf(obj), obj);
      changes.push({ type: old ? "MODIFIED" : "ADDED", kind: obj.kind, old, object: obj });
    }
    for (const [kind, objectsOfKind] of this.kinds) {
      for (const [key, old] of objectsOfKind) {
        if (!seen.has(`${kind}|${key}`)) {
          objectsOfKind.delete(key);
          changes.push({ type: "DELETED", kind, old, object: old });
        }
      }
    }
    this.resourceVersion = resourceVersion;
    this.emit(changes, true);
  }

  // Apply a batch of watch events; returns how many changed anything.
  apply(events, resourceVersion) {
    const changes = [];
    for (const { type, object } of events) {
      const objects = this.of(object.kind);
      const key = keyOf(object);
      const old = objects.get(key);
      if (old && versionOf(old) >= versionOf(object)) continue;
      if (!old && type === "DELETED") continue;
      if (type === "DELETED") objects.delete(key);
      else objects.set(key, object);
      changes.push({ type: old ? type : "ADDED", kind: object.kind, old, object });
    }
    if (resourceVersion) this.resourceVersion = Math.max(this.resourceVersion, resourceVersion);
    if (changes.length) this.emit(changes, false);
    return changes.length;
  }

  setClock(clock) {
    this.clock = { ...clock, receivedAt: performance.now() };
    this.emit([], false);
  }

  // What the simulated clients' requests met (cluster_engine/traffic), as the control plane last sent it.
  setTraffic(traffic) {
    this.traffic = { ...traffic, receivedAt: performance.now() };
    this.emit([], false);
  }

  // Simulated wall time (ms since the Unix epoch) now, moving between clock messages at the cluster's speed.
  simulatedTime() {
    if (!this.clock) return Date.now();
    const base = Date.parse(this.clock.time);
    if (this.clock.paused) return base;
    return base + (performance.now() - this.clock.receivedAt) * this.clock.speed;
  }

  emit(changes, relisted) {
    for (const listener of this.listeners) listener(changes, relisted);
  }
}
