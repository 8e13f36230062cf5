// claimwatch dashboard: polls the read-only API and draws each claim's timeline as inline SVG.
// No framework and no CDN: the worker serves this file, and it must work offline.
// Everything coming from the API is inserted as text (never as HTML): article text is untrusted.
"use strict";

(function () {
  const POLL_MS = 2000;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939"];
  const state = {
    selected: decodeHash(),
    q: "",
    xMode: ["time", "order"].includes(decodeHash("x")) ? decodeHash("x") : "auto",  // "time", "order", or "auto": time unless the events share too few instants
    claims: [],
    sourceColours: new Map(),
    yScale: decodeHash("y") === "log" ? "log" : "linear",
    asOf: Number.isFinite(Date.parse(decodeHash("asof"))) ? Date.parse(decodeHash("asof")) : null,  // ms since epoch, or null
  };

  // ------------------------------------------------------------------ helpers

  function decodeHash(name) {
    const m = new RegExp(`(?:^#|&)${name || "claim"}=([^&]+)`).exec(window.location.hash);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]);
    } catch (err) {
      return null;  // a malformed %-escape (#claim=%E0%A4%A) reads as no value, not a dead page
    }
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (const c of children || []) node.append(c);
    return node;
  }

  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    for (const c of children || []) node.append(c);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    }
  }

  function title(text) {
    return svg("title", { text: text });
  }

  function fmt(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return "–";
    const a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + "B";
    if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
    if (a >= 1e4) return (n / 1e3).toFixed(0) + "k";
    if (a >= 1000) return Math.round(n).toLocaleString("en-US");
    if (a >= 1 || a === 0) return String(Math.round(n * 10) / 10);
    return n.toPrecision(2);
  }

  function fmtEstimate(e) {
    if (!e) return "–";
    const range = e.low !== e.high ? ` (${fmt(e.low)}–${fmt(e.high)})` : "";
    return fmt(e.best) + range;
  }

  function fmtTime(ms) {
    const d = new Date(ms);
    return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  // About n "nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi].
  function niceTicks(lo, hi, n) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / Math.max(1, n);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  // 1-2-5 ticks per decade on a log axis, thinned to at most about 8.
  function logTicks(lo, hi) {
    const ticks = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * Math.pow(10, e);
        if (v >= lo && v <= hi) ticks.push(v);
      }
    }
    return ticks.length > 8 ? ticks.filter((v) => Math.abs(Math.log10(v) % 1) < 1e-9) : ticks;
  }

  // Time tick labels: the date when the chart spans days, the time of day otherwise.
  function fmtTick(ms, spanMs) {
    const iso = new Date(ms).toISOString();
    if (spanMs > 3 * 86400e3) return iso.slice(0, 10);
    if (spanMs > 86400e3) return iso.slice(5, 10) + " " + iso.slice(11, 16);
    if (spanMs > 120e3) return iso.slice(11, 16);
    return iso.slice(11, 19);
  }

  function colourFor(source) {
    if (!state.sourceColours.has(source)) {
      state.sourceColours.set(source, PALETTE[state.sourceColours.size % PALETTE.length]);
    }
    return state.sourceColours.get(source);
  }

  async function getJSON(url) {
    const res = await fetch(url, { cache: "no-store" });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  }

  function setStatus(text, isError) {
    const s = document.getElementById("status");
    s.textContent = text;
    s.classList.toggle("error", !!isError);
  }

  // ------------------------------------------------------------------ claims list

  function renderClaims(page) {
    state.claims = page.items;
    document.getElementById("claims-total").textContent = String(page.total);
    const list = document.getElementById("claims-list");
    list.replaceChildren(...page.items.map((c) => {
      const label = [c.measure, c.location].filter(Boolean).join(" · ");
      const value = c.estimate ? fmtEstimate(c.estimate)
        : c.presence ? `p=${c.presence.probability.toFixed(2)}` : "";
      const li = el("li", {
        class: "claim-item" + (c.claim_key === state.selected ? " selected" : ""),
        "data-claim-key": c.claim_key,
      }, [
        el("div", { class: "subject", text: c.subject || c.claim_key }),
        el("div", { class: "meta", text: `${label}  ${value}` }),
        el("div", { class: "meta" }, [
          `${c.n_observations} obs · ${c.n_sources} sources `,
          c.n_alerts ? el("span", { class: "badge", text: `${c.n_alerts} alerts` }) : "",
        ]),
      ]);
      li.addEventListener("click", () => select(c.claim_key));
      return li;
    }));
  }

  function select(key) {
    if (key !== state.selected) state.asOf = null;
    state.selected = key;
    history.replaceState(null, "", "#claim=" + encodeURIComponent(key));
    for (const li of document.querySelectorAll(".claim-item")) {
      li.classList.toggle("selected", li.dataset.claimKey === key);
    }
    refreshClaim();
  }

  // ------------------------------------------------------------------ one claim

  function renderClaim(claim, hist) {
    document.getElementById("claim-empty").hidden = true;
    const detail = document.getElementById("claim-detail");
    detail.hidden = false;
    detail.dataset.claimKey = claim.claim_key;
    document.getElementById("claim-title").textContent =
      [claim.subject, claim.measure, claim.location ? "in " + claim.location : ""]
        .filter(Boolean).join(" — ");
    document.getElementById("claim-key").textContent = claim.claim_key;

    const cons = document.getElementById("claim-consensus");
    const c = claim.consensus;
    if (c && c.estimate) {
      cons.replaceChildren("Consensus ", el("strong", { text: fmt(c.estimate.best) }),
        ` (${fmt(c.estimate.low)} – ${fmt(c.estimate.high)}), version ${c.version}, ` +
        `${c.n_sources} sources`);
    } else if (c && c.presence) {
      cons.replaceChildren("Presence probability ",
        el("strong", { text: c.presence.probability.toFixed(2) }),
        `, version ${c.version}, ${c.n_sources} sources`);
    } else {
      cons.textContent = "No consensus yet.";
    }

    const tbody = document.querySelector("#supporting tbody");
    tbody.replaceChildren(...claim.supporting.map((s) => el("tr", {}, [
      el("td", {}, [el("span", { class: "swatch-inline", style: `color:${colourFor(s.source)}`, text: "● " }), s.source]),
      el("td", { text: s.stance }),
      el("td", { text: s.value ? fmtEstimate(s.value) : "–" }),
      el("td", { text: s.weight.toFixed(3) }),
    ])));

    document.getElementById("claim-alerts").replaceChildren(...hist.alerts.slice().reverse().map(alertItem));
    drawChart(hist);
  }

  function alertItem(a) {
    return el("li", { "data-alert-id": a.alert_id }, [
      el("span", { class: "sev-" + a.severity, text: `${a.severity} ${a.kind}` }),
      ` ${fmtTime(Date.parse(a.detected_at))} — `,
      a.reason,
    ]);
  }

  // ------------------------------------------------------------------ chart

  function drawChart(hist) {
    const W = 860, H = 380, M = { l: 64, r: 16, t: 22, b: 42 };
    const isPresence = hist.observations.every((o) => o.value === null) &&
      hist.consensus.every((v) => !v.estimate);

    // One x position per event: its time, or its rank in the merged event order.
    const events = [];
    // Event time, not arrival time: a statement at its as_of (else published_at), a
    // consensus version at the event time it stands at, an alert at its statement's.
    const at = (x, ...fallbacks) => Date.parse([x, ...fallbacks].find((v) => v) || "");
    for (const o of hist.observations) events.push({ kind: "obs", t: at(o.event_time, o.observed_at), d: o });
    for (const v of hist.consensus) events.push({ kind: "cons", t: at(v.as_of, v.updated_at), d: v });
    for (const a of hist.alerts) events.push({ kind: "alert", t: at(a.event_time, a.detected_at), d: a });
    // Ties (one article, one instant) in stream order: each observation, then the alert it
    // raised, then the consensus it triggered.
    const obsIndex = new Map(hist.observations.map((o, i) => [o.event_id, i]));
    const after = (id, offset, fallback) => (obsIndex.has(id) ? 3 * obsIndex.get(id) + offset : fallback);
    const big = 3 * hist.observations.length;
    for (const e of events) {
      e.seq = e.kind === "obs" ? 3 * obsIndex.get(e.d.event_id)
        : e.kind === "alert" ? after(e.d.observation_event_id, 1, big)
        : after(e.d.trigger_event_id, 2, big + e.d.version);
    }
    events.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const instants = new Set(events.map((e) => e.t)).size;
    const mode = state.xMode !== "auto" ? state.xMode
      : instants >= Math.min(3, hist.observations.length) ? "time" : "order";
    events.forEach((e, i) => { e.x = mode === "order" ? i : e.t; });
    const xs = events.map((e) => e.x);
    let x0 = Math.min(...xs), x1 = Math.max(...xs);
    if (!isFinite(x0)) { x0 = 0; x1 = 1; }
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    const pad = (x1 - x0) * 0.04;
    x0 -= pad; x1 += pad;

    // y range over every value, interval and band edge.
    const ys = [];
    if (isPresence) ys.push(0, 1);
    for (const o of hist.observations) if (o.value) ys.push(o.value.low ?? o.value.best, o.value.best, o.value.high ?? o.value.best);
    for (const v of hist.consensus) if (v.estimate) ys.push(v.estimate.low, v.estimate.best, v.estimate.high);
    let y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (!isFinite(y0)) { y0 = 0; y1 = 1; }
    if (y1 === y0) { y0 = y0 * 0.9 - 1; y1 = y1 * 1.1 + 1; }
    const ypad = (y1 - y0) * 0.08;
    const logY = state.yScale === "log" && !isPresence && y0 > 0;
    if (isPresence) { y0 = -0.06; y1 = 1.06; }
    else if (logY) { y0 = y0 / 1.3; y1 = y1 * 1.3; }
    else { y0 = Math.max(y0 >= 0 ? 0 : -Infinity, y0 - ypad); y1 += ypad; }
    const fy = logY ? Math.log10 : (v) => v;

    const sx = (x) => M.l + (x - x0) / (x1 - x0) * (W - M.l - M.r);
    const sy = (y) => H - M.b - (fy(y) - fy(y0)) / (fy(y1) - fy(y0)) * (H - M.t - M.b);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Claim timeline", class: "timeline" });

    // Axes and grid.
    const grid = svg("g", { class: "grid" });
    const axis = svg("g", { class: "axis" });
    const yTicks = isPresence ? [0, 0.25, 0.5, 0.75, 1] : logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5);
    for (const y of yTicks) {
      grid.append(svg("line", { class: "gridline", x1: M.l, x2: W - M.r, y1: sy(y), y2: sy(y) }));
      axis.append(svg("text", { x: M.l - 6, y: sy(y) + 4, "text-anchor": "end", text: isPresence ? y.toFixed(1) : fmt(y) }));
    }
    if (mode === "order") {
      for (const x of niceTicks(Math.max(0, x0), x1, 6).filter((v) => Number.isInteger(v))) {
        axis.append(svg("text", { x: sx(x), y: H - M.b + 16, "text-anchor": "middle", text: `#${x + 1}` }));
      }
    } else {
      for (let i = 0; i <= 4; i++) {
        const x = x0 + (x1 - x0) * i / 4;
        const anchor = i === 0 ? "start" : i === 4 ? "end" : "middle";
        axis.append(svg("text", { x: sx(x), y: H - M.b + 16, "text-anchor": anchor, text: fmtTick(x, x1 - x0) }));
      }
    }
    axis.append(svg("path", { d: `M${M.l},${M.t}V${H - M.b}H${W - M.r}`, fill: "none" }));
    axis.append(svg("text", { x: M.l, y: H - 6, text: mode === "order" ? "event order" : "event time (UTC)" }));
    root.append(grid, axis);

    // Consensus band: a step area from each version to the next (the last extends to the edge).
    const versions = events.filter((e) => e.kind === "cons");
    const bandPts = versions.map((e, i) => {
      const v = e.d;
      const lo = v.estimate ? v.estimate.low : v.presence ? v.presence.probability : null;
      const hi = v.estimate ? v.estimate.high : lo;
      const best = v.estimate ? v.estimate.best : lo;
      const xEnd = i + 1 < versions.length ? versions[i + 1].x : x1;
      return { xa: sx(e.x), xb: sx(xEnd), lo, hi, best, v };
    }).filter((p) => p.lo !== null);
    if (bandPts.length) {
      const top = bandPts.map((p) => `${p.xa},${sy(p.hi)} ${p.xb},${sy(p.hi)}`).join(" ");
      const bottom = bandPts.slice().reverse().map((p) => `${p.xb},${sy(p.lo)} ${p.xa},${sy(p.lo)}`).join(" ");
      root.append(svg("polygon", {
        class: "consensus-band", points: `${top} ${bottom}`, "data-versions": bandPts.length,
      }, [title("consensus interval")]));
      const line = bandPts.map((p, i) => `${i ? "L" : "M"}${p.xa},${sy(p.best)}H${p.xb}`).join("");
      root.append(svg("path", { class: "consensus-best", d: line }, [title("consensus best estimate")]));
      const steps = svg("g", { class: "consensus-steps" });
      for (const p of bandPts) {
        steps.append(svg("rect", {
          class: "consensus-step", x: p.xa, y: sy(p.hi), width: Math.max(1, p.xb - p.xa),
          height: Math.max(1, sy(p.lo) - sy(p.hi)), fill: "transparent",
          "data-version": p.v.version,
        }, [title(`v${p.v.version}: ${fmt(p.best)} (${fmt(p.lo)}–${fmt(p.hi)}), ${p.v.n_sources} sources`)]));
      }
      root.append(steps);
    }

    // Alert markers where alerts fired.
    for (const e of events.filter((e) => e.kind === "alert")) {
      const a = e.d, x = sx(e.x);
      root.append(svg("g", { class: "alert-marker", "data-alert-id": a.alert_id, "data-severity": a.severity }, [
        svg("line", { x1: x, x2: x, y1: M.t, y2: H - M.b }),
        svg("path", { d: `M${x - 6},${M.t - 10}L${x + 6},${M.t - 10}L${x},${M.t}Z` }),
        title(`${a.severity} ${a.kind}: ${a.reason}`),
      ]));
    }

    // Observations: a whisker for the interval and a point for the best value, coloured by source.
    const obsLayer = svg("g", { class: "observations" });
    const obsEvents = events.filter((e) => e.kind === "obs");
    const sameX = new Map();  // observations at one instant are spread a few pixels apart
    for (const e of obsEvents) sameX.set(e.x, (sameX.get(e.x) || 0) + 1);
    const seenX = new Map();
    for (const e of obsEvents) {
      const n = sameX.get(e.x), i = seenX.get(e.x) || 0;
      seenX.set(e.x, i + 1);
      const o = e.d, x = sx(e.x) + (i - (n - 1) / 2) * Math.min(9, 60 / n), colour = colourFor(o.source);
      let best, lo, hi;
      if (o.value) { best = o.value.best; lo = o.value.low ?? best; hi = o.value.high ?? best; }
      else if (isPresence) { best = lo = hi = o.stance === "denies" ? 0 : o.stance === "neutral" ? 0.5 : 1; }
      else continue;  // a presence statement on a quantity claim has no y position
      const g = svg("g", { class: "obs", "data-source": o.source, "data-event-id": o.event_id });
      if (hi !== lo) g.append(svg("line", { class: "obs-whisker", x1: x, x2: x, y1: sy(lo), y2: sy(hi), stroke: colour }));
      g.append(svg("circle", {
        class: "obs-point " + o.stance, cx: x, cy: sy(best), r: 5,
        style: o.stance === "denies" ? `fill:#fff;stroke:${colour}` : `fill:${colour}`,
        "data-best": best, "data-source": o.source,
      }, [title(`${o.source} (${o.stance}): ${o.value ? fmtEstimate(o.value) + " " + o.value.hedge : o.stance}` +
                `${o.outlet ? " — " + o.outlet : ""}\n${o.evidence}`)]));
      obsLayer.append(g);
    }
    root.append(obsLayer);

    if (state.asOf !== null) {
      const nearest = events.reduce((best, e) => (best === null || Math.abs(e.t - state.asOf) < Math.abs(best.t - state.asOf) ? e : best), null);
      const xa = mode === "order" ? (nearest ? nearest.x : x0) : state.asOf;
      if (xa >= x0 && xa <= x1) {
        root.append(svg("line", { class: "asof-line", x1: sx(xa), x2: sx(xa), y1: M.t, y2: H - M.b }));
      }
    }
    root.addEventListener("click", (ev) => {
      const pt = root.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      const local = pt.matrixTransform(root.getScreenCTM().inverse());
      const x = x0 + (local.x - M.l) / (W - M.l - M.r) * (x1 - x0);
      if (mode === "order") {
        const e = events.reduce((best, e) => (best === null || Math.abs(e.x - x) < Math.abs(best.x - x) ? e : best), null);
        if (e) setAsOf(e.t);
      } else {
        setAsOf(x);
      }
    });

    const chart = document.getElementById("chart");
    chart.replaceChildren(root);
    chart.dataset.points = String(obsLayer.childElementCount);
    chart.dataset.versions = String(bandPts.length);
    chart.dataset.xMode = mode;

    const sources = [...new Set(hist.observations.map((o) => o.source))];
    document.getElementById("legend").replaceChildren(...sources.map((s) =>
      el("span", { class: "legend-item", "data-source": s }, [
        el("span", { class: "swatch", style: `background:${colourFor(s)}` }), s,
      ])));
  }

  // ------------------------------------------------------------------ as of

  function setAsOf(ms) {
    state.asOf = ms === null ? null : Math.round(ms);
    refreshClaim();
  }

  async function refreshAsOf(key) {
    const box = document.getElementById("asof");
    if (state.asOf === null) { box.hidden = true; return; }
    const t = new Date(state.asOf).toISOString();
    const snap = await getJSON(`/api/claims/${encodeURIComponent(key)}/as-of?t=${encodeURIComponent(t)}`);
    const c = snap.consensus;
    const what = c && c.estimate ? `consensus ${fmtEstimate(c.estimate)} (version ${c.version}, ${c.n_sources} sources)`
      : c && c.presence ? `presence probability ${c.presence.probability.toFixed(2)} (version ${c.version})`
      : "no consensus yet";
    const clear = el("button", { type: "button", text: "clear" });
    clear.addEventListener("click", () => setAsOf(null));
    box.replaceChildren(
      el("strong", { text: `As of ${fmtTime(state.asOf)}: ` }), what,
      `; ${snap.observations.length} observations and ${snap.alerts.length} alerts so far` +
      (snap.basis === "recomputed" ? " (consensus recomputed from the observations: its versions were compacted away)" : "") +
      (snap.complete ? "" : " (older history may be missing)"), clear);
    box.dataset.basis = snap.basis || "";
    box.dataset.asOf = snap.as_of;
    box.hidden = false;
  }

  // ------------------------------------------------------------------ polling

  async function refreshClaim() {
    const key = state.selected;
    if (!key) return;
    const enc = encodeURIComponent(key);
    try {
      const [claim, hist] = await Promise.all([
        getJSON(`/api/claims/${enc}`), getJSON(`/api/claims/${enc}/history`),
      ]);
      if (key === state.selected) {
        renderClaim(claim, hist);
        await refreshAsOf(key);
      }
    } catch (err) {
      setStatus(String(err.message || err), true);
    }
  }

  async function refresh() {
    try {
      const params = new URLSearchParams({ limit: "200" });
      if (state.q) params.set("q", state.q);
      const [page, alerts] = await Promise.all([
        getJSON(`/api/claims?${params}`), getJSON("/api/alerts?limit=20"),
      ]);
      renderClaims(page);
      document.getElementById("alerts-list").replaceChildren(...alerts.items.map((a) => {
        const li = alertItem(a);
        li.prepend(el("span", { class: "mono", text: a.claim_key + " " }));
        return li;
      }));
      if (!state.selected && page.items.length) {
        // Start on the claim with the most observations: the most to look at.
        const best = page.items.reduce((a, b) => (b.n_observations > a.n_observations ? b : a));
        state.selected = best.claim_key;
      }
      await refreshClaim();
      setStatus(`updated ${new Date().toLocaleTimeString()}`, false);
      document.body.dataset.state = page.total ? "ready" : "empty";
    } catch (err) {
      setStatus(String(err.message || err), true);
    }
  }

  function loop() {
    refresh().finally(() => setTimeout(loop, POLL_MS));
  }

  document.getElementById("filter-q").addEventListener("input", (ev) => {
    state.q = ev.target.value.trim();
    refresh();
  });
  document.getElementById("x-mode").value = state.xMode;
  document.getElementById("y-scale").value = state.yScale;
  document.getElementById("y-scale").addEventListener("change", (ev) => {
    state.yScale = ev.target.value;
    refreshClaim();
  });
  document.getElementById("x-mode").addEventListener("change", (ev) => {
    state.xMode = ev.target.value;
    refreshClaim();
  });
  window.addEventListener("hashchange", () => { const k = decodeHash(); if (k) select(k); });
  loop();
})();
