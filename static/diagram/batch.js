// Jobs and CronJobs below the Deployments: each Job with its pods and a bar of completions (succeeded, failed,
// still to go), each CronJob with its schedule, the countdown to its next run, and the Jobs it started.

import { t, tf } from "./i18n.js";
import { CATEGORY_GLYPH, condition, controllerOf, podCategory } from "./model.js";
import { esc } from "./text.js";

export function jobState(job) {
  const isTrue = (type) => condition(job, type)?.status === "True";
  if (isTrue("Complete")) return "Complete";
  if (isTrue("Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (isTrue("Suspended")) return "Suspended";
  if (isTrue("FailureTarget")) return "FailureTarget";
  return "Running";
}

function progress(job) {
  const status = job.status || {};
  const wanted = job.spec?.completions ?? 1;
  const share = (count) => `${Math.min(100, (100 * count) / Math.max(wanted, 1))}%`;
  const failed = status.failed ?? 0;
  const limit = job.spec?.backoffLimit ?? 6;
  return `<div class="job-bar" title="${esc(tf("%(succeeded)s of %(wanted)s succeeded", { succeeded: status.succeeded ?? 0, wanted }))}">
      <span class="done" style="width:${share(status.succeeded ?? 0)}"></span><span class="running" style="width:${share(status.active ?? 0)}"></span></div>
    <div class="rs-count">${esc(tf("%(succeeded)s/%(wanted)s succeeded · %(failed)s failed (backoff limit %(limit)s)", { succeeded: status.succeeded ?? 0, wanted, failed, limit }))}</div>`;
}

function jobCard(job, chips) {
  const state = jobState(job);
  const reason = condition(job, state)?.reason;
  return `<div class="replicaset job job-${state.toLowerCase()}" data-kind="Job" data-key="${esc(`${job.metadata.namespace}/${job.metadata.name}`)}">
    <div class="rs-name">${esc(job.metadata.name)} <span class="rev">${esc(state)}${reason ? ` · ${esc(reason)}` : ""}</span></div>
    ${progress(job)}
    <div class="minis">${chips(job)}</div></div>`;
}

export function renderBatch(model) {
  const podsByOwner = new Map();
  for (const pod of model.pods) {
    const owner = controllerOf(pod);
    if (owner?.kind !== "Job") continue;
    if (!podsByOwner.has(owner.uid)) podsByOwner.set(owner.uid, []);
    podsByOwner.get(owner.uid).push(pod);
  }
  const chips = (job) =>
    (podsByOwner.get(job.metadata.uid) || [])
      .sort((a, b) => (a.metadata.creationTimestamp || "").localeCompare(b.metadata.creationTimestamp || ""))
      .map((pod) => `<span class="mini cat-${podCategory(pod)}" title="${esc(pod.metadata.name)}">${CATEGORY_GLYPH[podCategory(pod)]}</span>`)
      .join("");
  const byCronJob = new Map();
  const standalone = [];
  for (const job of model.jobs) {
    const owner = controllerOf(job);
    if (owner?.kind === "CronJob") {
      if (!byCronJob.has(owner.uid)) byCronJob.set(owner.uid, []);
      byCronJob.get(owner.uid).push(job);
    } else standalone.push(job);
  }
  const byName = (a, b) => a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true });
  const cronCards = model.cronJobs.map((cronJob) => {
    const next = cronJob.spec?.suspend ? null : nextRun(cronJob, model.now);
    const when = cronJob.spec?.suspend
      ? t("suspended")
      : next === null
        ? t("no next run")
        : tf("next run in %(seconds)ss", { seconds: Math.max(0, Math.ceil(next - model.now)) });
    const jobs = (byCronJob.get(cronJob.metadata.uid) || []).sort(byName).map((job) => jobCard(job, chips)).join("");
    return `<div class="deployment cronjob" data-kind="CronJob" data-key="${esc(`${cronJob.metadata.namespace}/${cronJob.metadata.name}`)}">
      <div class="deploy-head"><strong>${esc(cronJob.metadata.name)}</strong>
        <span><code>${esc(cronJob.spec?.schedule || "")}</code>${cronJob.spec?.timeZone ? ` ${esc(cronJob.spec.timeZone)}` : ""} · <span class="next-run">${esc(when)}</span></span></div>
      <div class="replicasets">${jobs || `<span class="hint">${esc(t("no Job yet"))}</span>`}</div></div>`;
  });
  if (!standalone.length && !cronCards.length) return "";
  const jobs = standalone.sort(byName).map((job) => jobCard(job, chips)).join("");
  return `<h2>${esc(t("Jobs and CronJobs"))}</h2>${cronCards.join("")}${jobs ? `<div class="replicasets">${jobs}</div>` : ""}`;
}

// ---- when a CronJob runs next: standard cron as the controller reads it (cluster_engine/api/cron.py) ----------
const DESCRIPTORS = { "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *" };
const NAMES = [{}, {}, {}, Object.fromEntries("jan feb mar apr may jun jul aug sep oct nov dec".split(" ").map((n, i) => [n, i + 1])), Object.fromEntries("sun mon tue wed thu fri sat".split(" ").map((n, i) => [n, i]))];
const BOUNDS = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

function parseField(text, index) {
  const [low, high] = BOUNDS[index];
  const values = new Set();
  let star = false;
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const number = (value) => NAMES[index][value.toLowerCase()] ?? Number(value);
    let [start, end] = range === "*" || range === "?" ? [low, high] : range.split("-").map(number);
    if (end === undefined) end = stepText ? high : start;
    const step = stepText ? Number(stepText) : 1;
    star = star || ((range === "*" || range === "?") && step === 1);
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return { values, star };
}

function parseSchedule(schedule) {
  const text = DESCRIPTORS[schedule.trim()] || schedule.trim();
  const every = /^@every (\d+)([smh])$/.exec(text);
  if (every) return { interval: Number(every[1]) * { s: 1, m: 60, h: 3600 }[every[2]] };
  const fields = text.split(/\s+/);
  return fields.length === 5 ? fields.map(parseField) : null;
}

function localParts(seconds, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", weekday: "short" }).formatToParts(new Date(seconds * 1000));
  const get = (type) => parts.find((part) => part.type === type).value;
  return { minute: Number(get("minute")), hour: Number(get("hour")), day: Number(get("day")), month: Number(get("month")), weekday: NAMES[4][get("weekday").toLowerCase()] };
}

// The first scheduled time after the last run (or creation) that is still ahead, in seconds since the epoch.
export function nextRun(cronJob, now) {
  const schedule = parseSchedule(cronJob.spec?.schedule || "");
  if (!schedule) return null;
  const last = Date.parse(cronJob.status?.lastScheduleTime || cronJob.metadata.creationTimestamp) / 1000;
  let at = Math.max(last, Math.floor(now / 60) * 60 - 60);
  if (schedule.interval) {
    while (at <= now) at += schedule.interval;
    return at;
  }
  const [minutes, hours, days, months, weekdays] = schedule;
  const timeZone = cronJob.spec?.timeZone || "UTC";
  at = Math.floor(at / 60) * 60 + 60;
  for (let guard = 0; guard < 5000; guard++) {
    const local = localParts(at, timeZone);
    const dayMatches = days.star || weekdays.star
      ? days.values.has(local.day) && weekdays.values.has(local.weekday)
      : days.values.has(local.day) || weekdays.values.has(local.weekday);
    if (!months.values.has(local.month) || !dayMatches) at += 86400 - (local.hour * 3600 + local.minute * 60);
    else if (!hours.values.has(local.hour)) at += 3600 - local.minute * 60;
    else if (!minutes.values.has(local.minute)) at += 60;
    else if (at > now) return at;
    else at += 60;
  }
  return null;
}
