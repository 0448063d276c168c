// The classroom room: one socket to the classroom (state, follow me, grid) and an iframe showing a live cluster
// page. The instructor's clicks inside the class cluster's diagram become the class's focus; students following
// the instructor get the same object selected in their own diagram.

const room = document.getElementById("room");
const role = room.dataset.role;
const texts = JSON.parse(document.getElementById("classroom-texts").textContent);
const frame = document.getElementById("cluster-frame");
const connectionLabel = document.getElementById("connection");
const toastElement = document.getElementById("toast");
const FOCUS_RETRY_MS = 200;
const FOCUS_ATTEMPTS = 50;
const MAX_BACKOFF_MS = 5000;

// Inside the room the cluster page's home link would lead the frame away, and its language switcher repeats the
// room's: the page hides both (topbar.css), which leaves its clock and links room in the narrower frame.
frame.addEventListener("load", () => frame.contentDocument?.body.classList.add("in-classroom"));

let state = null;
let socket = null;
let backoff = 250;
let nextId = 1;
const requests = new Map();
let view = "demo";
let shownCluster = null;
let appliedFocus = null;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function toast(message, kind = "info") {
  toastElement.textContent = message;
  toastElement.className = `toast ${kind}`;
  toastElement.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (toastElement.hidden = true), kind === "refused" ? 7000 : 2500);
}

// ---- the socket -------------------------------------------------------------------------------------------------
function connect() {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/classrooms/${room.dataset.code}/?language=${encodeURIComponent(document.documentElement.lang)}`;
  const opened = new WebSocket(url);
  socket = opened;
  connectionLabel.textContent = texts.connecting;
  opened.onopen = () => (backoff = 250);
  opened.onmessage = (message) => receive(JSON.parse(message.data));
  opened.onclose = () => {
    if (socket !== opened) return;
    connectionLabel.textContent = texts.offline;
    document.body.dataset.connection = "offline";
    for (const { reject } of requests.values()) reject({ message: texts.offline });
    requests.clear();
    setTimeout(connect, backoff);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  };
}

function request(body) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject({ message: texts.offline });
  const id = nextId++;
  return new Promise((resolve, reject) => {
    requests.set(id, { resolve, reject });
    socket.send(JSON.stringify({ ...body, id }));
  });
}

function act(body, success) {
  return request(body).then(
    (reply) => {
      if (success) toast(success);
      return reply;
    },
    (status) => {
      toast(`${texts.refused}: ${status.message}`, "refused");
      throw status;
    },
  );
}

function receive(message) {
  if (message.type === "result" || (message.type === "error" && message.id != null)) {
    const pending = requests.get(message.id);
    if (!pending) return;
    requests.delete(message.id);
    if (message.type === "result") pending.resolve(message);
    else pending.reject(message.status);
  } else if (message.type === "state") {
    state = message;
    connectionLabel.textContent = texts.live;
    document.body.dataset.connection = "live";
    render();
  } else if (message.type === "grid") {
    renderGrid(message);
  } else if (message.type === "error") {
    toast(message.status.message, "refused");
  }
}

// ---- rendering --------------------------------------------------------------------------------------------------
function render() {
  const { step, lesson, classroom } = state;
  const lessonPane = document.getElementById("lesson");
  lessonPane.innerHTML = lesson
    ? `<h2 class="lesson-title">${esc(lesson.title)}</h2>
       ${step ? `<p class="step-count">${esc(format(texts.step, { index: step.index + 1, count: step.count }))}</p>
       <h3 class="step-title">${esc(step.title)}</h3><p class="narration">${esc(step.narration)}</p>
       ${step.action ? `<button type="button" class="run-action" id="run-action">${esc(role === "student" ? texts.runInSandbox : texts.run)}: ${esc(step.action)}</button>` : ""}` : ""}`
    : "";
  document.getElementById("run-action")?.addEventListener("click", () => act({ action: "run" }, texts.done));
  renderQuestion(step);
  renderCheckpoint(step);
  document.body.classList.toggle("following", role === "student" && classroom.follow_me);
  if (role === "instructor") renderTeacher();
  else renderStudent();
  for (const tab of document.querySelectorAll('[data-view="spotlight"]')) {
    tab.hidden = !classroom.spotlight;
    if (classroom.spotlight) tab.textContent = `★ ${classroom.spotlight.student}`;
  }
  // Following: what the instructor shows changed, so show it (the student may look elsewhere until the next change).
  const shown = JSON.stringify([lesson?.slug, step?.index, classroom.focus, classroom.spotlight?.id, classroom.follow_me]);
  const kept = render.lastShown === undefined ? keptView(shown) : null;
  if (kept) view = kept;
  else if (role === "student" && classroom.follow_me && shown !== render.lastShown) view = classroom.spotlight ? "spotlight" : "demo";
  render.lastShown = shown;
  if (view === "spotlight" && !classroom.spotlight) view = "demo";
  if (view === "sandbox" && !state.me?.sandbox) view = "demo";
  showView(view);
}

// A reload keeps the view this tab was on (its sandbox, the grid), unless, following, the instructor has shown
// something else since: then following wins, as it would have without the reload.
const VIEW_MEMORY = `kubelab.classroom.${room.dataset.code}.view`;

function keptView(shown) {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(VIEW_MEMORY));
  } catch {
    return null;
  }
  if (!kept || (role === "student" && state.classroom.follow_me && kept.shown !== shown)) return null;
  return kept.view;
}

function rememberView() {
  try {
    sessionStorage.setItem(VIEW_MEMORY, JSON.stringify({ view, shown: render.lastShown }));
  } catch {
    // storage refused (private mode): a reload then starts on the class cluster
  }
}

function renderQuestion(step) {
  const section = document.getElementById("question");
  const question = step?.question;
  section.hidden = !question;
  if (!question) return;
  const mine = state.me?.answer;
  const tallies = state.tallies;
  const choices = question.choices
    .map((choice) => {
      const count = tallies ? ` <span class="tally" data-choice="${esc(choice.value)}">${tallies.counts[choice.value] || 0}</span>` : "";
      const chosen = mine === choice.value ? " chosen" : "";
      const correct = question.answer === choice.value ? " correct" : "";
      return `<li><button type="button" class="choice${chosen}${correct}" data-choice="${esc(choice.value)}" ${role === "instructor" || question.revealed ? "disabled" : ""}>${esc(choice.label)}</button>${count}</li>`;
    })
    .join("");
  const answerLabel = question.choices.find((choice) => choice.value === question.answer)?.label;
  section.innerHTML = `<h3>${esc(texts.predict)}</h3><p class="prompt">${esc(question.prompt)}</p><ol class="choices">${choices}</ol>
    ${tallies ? `<p class="answered" id="answered">${esc(format(texts.answered, tallies))}</p>
      <button type="button" id="reveal">${esc(question.revealed ? texts.hide : texts.reveal)}</button>` : ""}
    ${question.answer && (question.revealed || role === "instructor") ? `<p class="reveal">${esc(format(texts.answer, { answer: answerLabel }))} — ${esc(question.why)}</p>` : ""}`;
  for (const button of section.querySelectorAll("button.choice")) {
    button.addEventListener("click", () => act({ action: "answer", choice: button.dataset.choice }));
  }
  document.getElementById("reveal")?.addEventListener("click", () => act({ action: "reveal", on: !question.revealed }));
}

function renderCheckpoint(step) {
  const section = document.getElementById("checkpoint");
  section.hidden = !step?.goal;
  if (!step?.goal) return;
  const me = state.me;
  let status = "";
  if (me) status = me.passed ? `<p class="passed" id="checkpoint-status">✔ ${esc(texts.passed)}</p>` : `<p class="pending" id="checkpoint-status">${esc(me.sandbox ? texts.autoCheck : texts.needSandbox)}</p>`;
  section.innerHTML = `<h3>${esc(texts.goal)}</h3><p class="goal">${esc(step.goal)}</p>${status}
    ${me && me.sandbox ? `<button type="button" id="check">${esc(texts.check)}</button>` : ""}`;
  document.getElementById("check")?.addEventListener("click", () =>
    act({ action: "check" }).then((reply) => {
      if (!reply.passed) document.getElementById("checkpoint-status").textContent = texts.notYet;
    }),
  );
}

function renderTeacher() {
  const { classroom, step, lessons, lesson } = state;
  document.getElementById("follow-me").checked = classroom.follow_me;
  document.getElementById("prev-step").disabled = !step || step.index === 0;
  document.getElementById("next-step").disabled = !step || step.index >= step.count - 1;
  const select = document.getElementById("lesson-select");
  if (!select.options.length) {
    select.innerHTML = lessons.map((item) => `<option value="${esc(item.slug)}">${esc(item.title)}</option>`).join("");
  }
  if (lesson && document.activeElement !== select) select.value = lesson.slug;
}

function renderStudent() {
  const sandboxTab = document.querySelector('[data-view="sandbox"]');
  sandboxTab.hidden = !state.me.sandbox;
  document.getElementById("open-sandbox").textContent = state.me.sandbox ? texts.resetSandbox : document.getElementById("open-sandbox").dataset.label || document.getElementById("open-sandbox").textContent;
}

function renderGrid(message) {
  const grid = document.getElementById("grid");
  if (!grid) return;
  if (!message.students.length) {
    grid.innerHTML = `<p class="hint">${esc(texts.noStudents)}</p>`;
    return;
  }
  grid.innerHTML = message.students
    .map((card) => {
      const sandbox = card.sandbox;
      const spotlit = sandbox && message.spotlight === sandbox.id;
      return `<article class="sandbox-card ${card.passed ? "passed" : ""} ${spotlit ? "spotlit" : ""}" data-student="${card.student}">
        <h4>${esc(card.name)} ${card.passed ? "✔" : ""}</h4>
        ${sandbox ? `<p>${esc(format(texts.pods, card.pods))}</p>
          <button type="button" class="spotlight" data-cluster="${spotlit ? "" : sandbox.id}">${esc(spotlit ? texts.unspotlight : texts.spotlight)}</button>`
          : `<p class="hint">${esc(texts.noSandbox)}</p>`}
      </article>`;
    })
    .join("");
  for (const button of grid.querySelectorAll("button.spotlight")) {
    button.addEventListener("click", () => act({ action: "spotlight", cluster: button.dataset.cluster ? Number(button.dataset.cluster) : null }));
  }
}

// ---- the stage: which cluster the iframe shows ----------------------------------------------------------------------
function clusterFor(name) {
  if (name === "sandbox") return state.me?.sandbox;
  if (name === "spotlight") return state.classroom.spotlight;
  return state.classroom.demo;
}

function showView(name) {
  view = name;
  rememberView();
  for (const tab of document.querySelectorAll("[data-view]")) tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  const grid = document.getElementById("grid");
  if (grid) grid.hidden = name !== "grid";
  frame.hidden = name === "grid";
  if (name === "grid") return;
  const cluster = clusterFor(name);
  if (!cluster) return;
  if (shownCluster !== cluster.name) {
    shownCluster = cluster.name;
    appliedFocus = null;
    frame.src = `/clusters/${encodeURIComponent(cluster.name)}/`;
  }
  applyFocus();
}

// Select, inside the diagram, the object the instructor focused (the diagram selects on a click of the element):
// for following students, and for the instructor's own page after a reload.
function applyFocus(attempt = 0) {
  if (!state || view !== "demo" || (role === "student" && !state.classroom.follow_me)) return;
  const focus = state.classroom.focus;
  const wanted = focus ? `${focus.kind}/${focus.key}` : null;
  if (!wanted || wanted === appliedFocus) return;
  const documentInFrame = frame.contentDocument;
  const element = documentInFrame?.querySelector(`[data-kind="${CSS.escape(focus.kind)}"][data-key="${CSS.escape(focus.key)}"]`);
  if (!element) {
    if (attempt < FOCUS_ATTEMPTS) setTimeout(() => applyFocus(attempt + 1), FOCUS_RETRY_MS);
    return;
  }
  appliedFocus = wanted;
  element.dispatchEvent(new MouseEvent("click", { bubbles: true }));
}

frame.addEventListener("load", () => {
  appliedFocus = null;
  if (role === "instructor") {
    frame.contentDocument.addEventListener("click", (click) => {
      const element = click.target.closest?.("[data-kind][data-key]");
      if (element && element.dataset.key && view === "demo") request({ action: "focus", kind: element.dataset.kind, key: element.dataset.key }).catch(() => {});
    });
  }
  applyFocus();
});

document.getElementById("views").addEventListener("click", (click) => {
  const tab = click.target.closest("[data-view]");
  if (tab) showView(tab.dataset.view);
});

if (role === "instructor") {
  const step = (delta) => act({ action: "goto", step: state.step.index + delta });
  document.getElementById("prev-step").addEventListener("click", () => step(-1));
  document.getElementById("next-step").addEventListener("click", () => step(1));
  document.getElementById("demo-pause").addEventListener("click", () => act({ action: "clock", paused: true }));
  document.getElementById("demo-play").addEventListener("click", () => act({ action: "clock", paused: false }));
  document.getElementById("demo-step").addEventListener("click", () => act({ action: "step" }));
  document.getElementById("follow-me").addEventListener("change", (change) => act({ action: "follow", on: change.target.checked }));
  document.getElementById("start-lesson").addEventListener("click", () => {
    shownCluster = null;
    act({ action: "lesson", lesson: document.getElementById("lesson-select").value });
  });
} else {
  const open = document.getElementById("open-sandbox");
  open.dataset.label = open.textContent;
  open.addEventListener("click", () =>
    act({ action: "sandbox" }).then(() => {
      shownCluster = null;
      showView("sandbox");
    }),
  );
}

connect();
window.kubelabClassroom = { get state() { return state; }, request };
