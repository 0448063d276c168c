// Time travel (instructors and admins): a slider over the cluster's recorded history.
//
// Dragging asks the server for the cluster as it stood at that simulated second; the answer has the live
// snapshot's shape, so the store and the diagram take it as they take a list. While rewound the connection holds
// back live frames and the page says "replay at <time>"; play applies the recorded writes that followed as watch
// events at the chosen speed; "back to live" re-lists; "continue from here" forks a new cluster from the moment
// shown and opens it.

import { t, tf } from "./i18n.js";

const DRAG_REQUEST_MS = 200; // a drag sends at most five requests a second: well inside the socket's frame budget
const REFILL_BELOW = 200; // fetch the next recorded writes when fewer than this many wait to be played

const clockText = (clock) => clock.time.slice(11, 19);

export class TimeTravel {
  constructor(element, { store, connection, toast }) {
    this.store = store;
    this.connection = connection;
    this.toast = toast;
    this.slider = element.querySelector("#time-slider");
    this.status = element.querySelector("#time-status");
    this.play = element.querySelector("#time-play");
    this.speed = element.querySelector("#time-speed");
    this.live = element.querySelector("#time-live");
    this.fork = element.querySelector("#time-fork");
    this.rewound = false;
    this.playing = false;
    this.asked = 0;
    this.queue = [];
    this.exhausted = false;
    this.slider.addEventListener("input", () => this.dragged());
    this.slider.addEventListener("change", () => this.rewindTo(Number(this.slider.value)));
    this.play.addEventListener("click", () => (this.playing ? this.pause() : this.start()));
    this.live.addEventListener("click", () => this.backToLive());
    this.fork.addEventListener("click", () => this.continueFromHere());
    store.onChange(() => this.render());
    this.render();
  }

  render() {
    const clock = this.store.clock;
    if (!this.rewound && clock && document.activeElement !== this.slider) {
      this.slider.max = String(clock.now);
      this.slider.value = String(clock.now);
    }
    document.body.classList.toggle("replaying", this.rewound);
    this.status.textContent = this.rewound && clock ? tf("replay at %(time)s", { time: clockText(clock) }) : t("live");
    this.play.textContent = this.playing ? t("Pause replay") : t("Play replay");
    for (const button of [this.play, this.speed, this.live, this.fork]) button.disabled = !this.rewound;
  }

  dragged() {
    clearTimeout(this.dragTimer);
    this.dragTimer = setTimeout(() => this.rewindTo(Number(this.slider.value)), DRAG_REQUEST_MS);
  }

  async rewindTo(time) {
    clearTimeout(this.dragTimer);
    this.pause();
    this.connection.held = true; // from the first drag on, live frames no longer reach the store
    this.rewound = true;
    const asked = ++this.asked;
    let answer;
    try {
      answer = await this.connection.request({ action: "rewind", time });
    } catch (status) {
      this.refused(status);
      return;
    }
    if (asked !== this.asked) return; // a later drag's answer is the one to show
    const { snapshot, span } = answer;
    this.span = span;
    this.slider.min = String(span.oldest.time);
    this.slider.max = String(span.latest.time);
    this.queue = [];
    this.exhausted = false;
    this.store.reset(snapshot.objects, snapshot.resourceVersion);
    this.store.setClock(snapshot.clock);
  }

  async refill() {
    if (this.fetching || this.exhausted) return;
    this.fetching = true;
    const after = this.queue.length ? this.queue[this.queue.length - 1].revision : this.store.resourceVersion;
    try {
      const { events, span } = await this.connection.request({ action: "replay", after });
      this.span = span;
      this.slider.max = String(span.latest.time);
      this.queue.push(...events);
      if (!events.length) this.exhausted = true;
    } catch (status) {
      this.refused(status);
    } finally {
      this.fetching = false;
    }
  }

  start() {
    if (!this.rewound) return;
    this.playing = true;
    this.playhead = this.store.clock.now;
    this.last = performance.now();
    const frame = (now) => {
      if (!this.playing) return;
      this.playhead += ((now - this.last) / 1000) * Number(this.speed.value);
      this.last = now;
      this.advance();
      requestAnimationFrame(frame);
    };
    this.render();
    requestAnimationFrame(frame);
  }

  advance() {
    if (this.queue.length < REFILL_BELOW) this.refill();
    const due = [];
    while (this.queue.length && this.queue[0].time <= this.playhead) due.push(this.queue.shift());
    const end = this.span?.latest.time ?? this.playhead;
    if (this.exhausted && !this.queue.length && this.playhead >= end) {
      this.playhead = end;
      this.playing = false;
    }
    if (due.length) this.store.apply(due, due[due.length - 1].revision);
    const time = new Date(Date.parse(this.store.clock.time) + (this.playhead - this.store.clock.now) * 1000);
    this.store.setClock({ ...this.store.clock, now: this.playhead, time: time.toISOString(), paused: true });
    this.slider.value = String(this.playhead);
  }

  pause() {
    this.playing = false;
    this.render();
  }

  backToLive() {
    this.pause();
    this.rewound = false;
    this.asked++;
    this.connection.relist();
    this.render();
  }

  async continueFromHere() {
    this.pause();
    try {
      const { url } = await this.connection.request({ action: "fork", revision: this.store.resourceVersion });
      location.assign(url);
    } catch (status) {
      this.refused(status);
    }
  }

  refused(status) {
    const why = `${status.code ? `${status.code} ${status.reason}: ` : ""}${status.message}`;
    this.toast.show(tf("time travel refused: %(why)s", { why }), "refused");
  }
}

// The bar is on the page only for those who may use it (instructors and admins).
export function startTimeTravel(element, parts) {
  return element ? new TimeTravel(element, parts) : null;
}
