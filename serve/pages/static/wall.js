// The wall page: the event stream says something changed, /wall.json says what the wall
// shows now. Every text goes in with textContent, never as markup: a title is data.
"use strict";

(function () {
  const INCIDENT_DELAY_MS = 100; // a burst of changes is one fetch
  const SAMPLES_DELAY_MS = 3000; // samples arrive with every check: refresh at a walk
  const RETRY_MS = 5000;

  let oldestSeconds = null;
  let oldestAt = 0;
  let timer = null;
  let due = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // The same short form as the console: 45s, 7m05s, 12m, 3h05m, 2d04h.
  function age(total) {
    total = Math.max(0, Math.floor(total));
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    if (days) return days + "d" + pad(hours) + "h";
    if (hours) return hours + "h" + pad(minutes) + "m";
    if (minutes) return seconds && minutes < 10 ? minutes + "m" + pad(seconds) + "s" : minutes + "m";
    return seconds + "s";
  }

  function clock(date) {
    return pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function tick() {
    byId("clock").textContent = clock(new Date());
    const oldest = byId("oldest");
    if (oldestSeconds === null) {
      oldest.textContent = "-";
    } else {
      oldest.textContent = age(oldestSeconds + (Date.now() - oldestAt) / 1000);
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function tile(data) {
    const node = element("article", "tile " + data.status);
    node.dataset.source = data.name;
    node.append(
      element("h2", "name", data.name),
      element("p", "word", data.label),
      element("p", "title", data.title),
      element("p", "owner", data.owner),
    );
    return node;
  }

  function render(state) {
    for (const severity of ["critical", "warning", "info"]) {
      byId("count-" + severity).textContent = String(state.counts[severity]);
    }
    oldestSeconds = state.oldest_seconds;
    oldestAt = Date.now();
    const tiles = byId("tiles");
    tiles.className = "tiles " + state.size;
    if (state.tiles.length) {
      tiles.replaceChildren(...state.tiles.map(tile));
    } else {
      tiles.replaceChildren(element("p", "empty", "No sources and no open incidents."));
    }
    fit();
    const lastPoll = byId("last-poll");
    lastPoll.textContent = state.last_poll ? "last check " + clock(new Date(state.last_poll)) : "";
    tick();
  }

  // More tiles than the screen holds: the last ones (the healthiest: failing sort first)
  // give way, and the footer says how many, in words.
  function fit() {
    const tiles = byId("tiles");
    const bottom = tiles.getBoundingClientRect().bottom;
    let hidden = 0;
    for (const node of tiles.querySelectorAll(".tile")) {
      node.hidden = false;
    }
    for (const node of tiles.querySelectorAll(".tile")) {
      if (node.getBoundingClientRect().bottom > bottom) {
        node.hidden = true;
        hidden += 1;
      }
    }
    byId("more").textContent = hidden ? "+" + hidden + " more sources not shown" : "";
  }

  function setLive(live) {
    const node = byId("live");
    node.textContent = live ? "live" : "reconnecting";
    node.classList.toggle("down", !live);
  }

  async function refresh() {
    const response = await fetch("/wall.json", {
      credentials: "same-origin",
      cache: "no-store",
      headers: { accept: "application/json" },
    });
    if (response.status === 401 || response.status === 403) {
      // The session ended (it expired, or the server restarted): log in again.
      window.location.assign("/login?next=%2Fwall");
      return;
    }
    if (!response.ok) throw new Error("wall.json: " + response.status);
    render(await response.json());
  }

  function schedule(delay) {
    const at = Date.now() + delay;
    if (timer !== null && due <= at) return;
    if (timer !== null) clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = null;
      refresh().catch(() => setLive(false));
    }, delay);
  }

  function connect() {
    const stream = new EventSource("/v1/events");
    stream.addEventListener("hello", () => {
      setLive(true);
      schedule(0); // what happened while we were away
    });
    stream.addEventListener("incident", () => schedule(INCIDENT_DELAY_MS));
    stream.addEventListener("incidents", () => schedule(INCIDENT_DELAY_MS));
    stream.addEventListener("samples", () => schedule(SAMPLES_DELAY_MS));
    stream.addEventListener("error", () => {
      setLive(false);
      if (stream.readyState === EventSource.CLOSED) {
        // Refused (not only dropped): the browser will not retry by itself.
        setTimeout(connect, RETRY_MS);
        schedule(0);
      }
    });
  }

  function start() {
    const seconds = byId("oldest").dataset.seconds;
    oldestSeconds = seconds === "" || seconds === undefined ? null : Number(seconds);
    oldestAt = Date.now();
    tick();
    fit();
    setInterval(tick, 1000);
    window.addEventListener("resize", fit);
    connect();
  }

  start();
})();
