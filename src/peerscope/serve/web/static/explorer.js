/* The research graph explorer: draws /api/graph/{id} with Cytoscape.js (served from our own
   static files). Pan and zoom, a click grows a node's neighbourhood, a double click opens its
   page; filters by kind and year, search, the shortest path between two nodes, and flags and
   verification levels on the nodes. The page lists the same graph for readers without JS. */
(function () {
  "use strict";
  var root = document.getElementById("graph-explorer");
  if (!root || typeof window.cytoscape !== "function") { return; }
  var started = performance.now();
  var canvas = document.getElementById("graph-canvas");
  var details = document.getElementById("graph-details");
  var filters = document.getElementById("graph-filters");
  var searchForm = document.getElementById("graph-search");
  var pathBox = document.getElementById("graph-path");
  var pathText = document.getElementById("graph-path-text");
  var COLOURS = { work: "#0b5cad", author: "#b3541e", topic: "#2e7d32", institution: "#6a3d9a", source: "#8a6d00" };
  var LEVEL_RING = { L0: 0, L1: 2, L2: 4, L3: 7 };
  var pathEnds = { from: null, to: null };
  var cy = null;

  function shortLabel(n) {
    var text = n.label.length > 42 ? n.label.slice(0, 40) + "…" : n.label;
    if (n.verification_level) { text += " · " + n.verification_level; }
    if (n.open_flags || n.retracted) { text += " ⚑"; }
    return text;
  }

  function toElements(data) {
    var out = [];
    // the look comes from classes, not from data mappers: elements with the same classes share
    // one computed style, where a mapper makes each element's style its own
    data.nodes.forEach(function (n) {
      var flagged = n.open_flags > 0 || n.retracted;
      out.push({ group: "nodes", classes: "k-" + n.kind + " h" + Math.min(n.hop, 2) + (n.verification_level ? " " + n.verification_level : "") + (flagged ? " flagged" : ""), data: {
        // far nodes are drawn without a label (measuring thousands of labels is most of a first
        // render); a selected node shows its label
        id: n.id, kind: n.kind, label: n.label, short: n.hop < 2 ? shortLabel(n) : "", full: shortLabel(n), url: n.url, hop: n.hop, year: n.year,
        colour: COLOURS[n.kind] || "#666666", size: n.hop === 0 ? 34 : (n.hop === 1 ? 20 : 12),
        level: n.verification_level || "", ring: LEVEL_RING[n.verification_level] || 0, trust: n.trust_score,
        flags: n.open_flags, flagged: (n.open_flags > 0 || n.retracted) ? 1 : 0, retracted: n.retracted, detail: n.detail || ""
      } });
    });
    data.edges.forEach(function (e) {
      out.push({ group: "edges", classes: "w" + Math.min(3, Math.floor(e.weight * 4)), data: {
        id: e.source + ">" + e.target + ":" + e.kind, source: e.source, target: e.target, kind: e.kind,
        weight: e.weight, width: 0.5 + 3 * e.weight, reason: e.reason, y0: e.year_min, y1: e.year_max
      } });
    });
    return out;
  }

  // rings by hop, placed here rather than by a layout pass: a few thousand nodes draw at once
  function placeInRings(elements) {
    var rings = {};
    elements.forEach(function (el) { if (el.group === "nodes") { (rings[el.data.hop] = rings[el.data.hop] || []).push(el); } });
    var radius = 0;
    Object.keys(rings).sort().forEach(function (hop) {
      var ring = rings[hop], gap = hop === "1" ? 44 : 16;
      radius = hop === "0" ? 0 : Math.max(radius + 160, ring.length * gap / (2 * Math.PI));
      ring.forEach(function (el, i) {
        var angle = 2 * Math.PI * i / ring.length;
        el.position = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      });
    });
    return elements;
  }

  // the viewport that shows every ring, from the positions just placed: asking Cytoscape to fit
  // measures the bounding box of every node, label and edge, most of a first render's work
  function viewFor(elements, minZoom, maxZoom) {
    var rx = 1, ry = 1, pad = 20;
    elements.forEach(function (el) {
      if (el.group !== "nodes") { return; }
      var half = el.data.size / 2 + 4;
      rx = Math.max(rx, Math.abs(el.position.x) + half);
      ry = Math.max(ry, Math.abs(el.position.y) + half);
    });
    var w = canvas.clientWidth || 800, h = canvas.clientHeight || 600;
    var zoom = Math.min(maxZoom, Math.max(minZoom, Math.min((w - 2 * pad) / (2 * rx), (h - 2 * pad) / (2 * ry))));
    return { zoom: zoom, pan: { x: w / 2, y: h / 2 } };
  }

  var style = [
    { selector: "node", style: {
      "background-color": "#666666", "width": 12, "height": 12, "border-width": 0, "border-color": "#1a1d21",
      "label": "data(short)", "font-size": 9, "min-zoomed-font-size": 7, "color": "#1a1d21",
      "text-outline-color": "#ffffff", "text-outline-width": 2, "text-valign": "bottom", "text-margin-y": 3
    } },
    { selector: ".h0", style: { "width": 34, "height": 34 } },
    { selector: ".h1", style: { "width": 20, "height": 20 } },
    { selector: ".k-work", style: { "background-color": COLOURS.work, "shape": "round-rectangle" } },
    { selector: ".k-author", style: { "background-color": COLOURS.author } },
    { selector: ".k-topic", style: { "background-color": COLOURS.topic, "shape": "diamond" } },
    { selector: ".k-institution", style: { "background-color": COLOURS.institution, "shape": "hexagon" } },
    { selector: ".k-source", style: { "background-color": COLOURS.source, "shape": "triangle" } },
    { selector: ".L1", style: { "border-width": LEVEL_RING.L1 } },
    { selector: ".L2", style: { "border-width": LEVEL_RING.L2 } },
    { selector: ".L3", style: { "border-width": LEVEL_RING.L3 } },
    { selector: ".flagged", style: { "border-width": 3, "border-color": "#c62828", "border-style": "dashed" } },
    { selector: "edge", style: { "width": 0.9, "line-color": "#9aa5b1", "opacity": 0.7, "curve-style": "haystack" } },
    { selector: ".w1", style: { "width": 1.6 } },
    { selector: ".w2", style: { "width": 2.4 } },
    { selector: ".w3", style: { "width": 3.1 } },
    { selector: ":selected", style: { "border-width": 4, "border-color": "#f9a825", "border-style": "solid", "label": "data(full)" } },
    { selector: ".on-path", style: { "line-color": "#f9a825", "width": 5, "opacity": 1, "z-index": 10 } },
    { selector: "node.on-path", style: { "border-width": 5, "border-color": "#f9a825" } },
    { selector: ".faded", style: { "opacity": 0.15 } },
    { selector: ".filtered", style: { "display": "none" } }
  ];


  // what the filters leave drawn. Read from the "filtered" class, not the ":visible" selector:
  // Cytoscape recomputes an element's style (and so its visibility) lazily, on the next frame
  function drawn() {
    var nodes = cy.nodes().not(".filtered");
    return nodes.union(nodes.edgesWith(nodes).not(".filtered"));
  }

  function say(html) { details.innerHTML = html; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  function showDetails(node) {
    var d = node.data();
    var facts = [d.kind + (d.detail ? " · " + d.detail : ""), d.year ? "year " + d.year : "", d.level ? "verification " + d.level : "",
      d.trust != null ? "trust " + d.trust : "", d.flags ? d.flags + " open flag" + (d.flags === 1 ? "" : "s") : "", d.retracted ? "retracted" : ""]
      .filter(Boolean).join(" · ");
    var reasons = node.connectedEdges().intersection(drawn()).sort(function (a, b) { return b.data("weight") - a.data("weight"); }).slice(0, 6)
      .map(function (e) {
        var other = e.source().id() === d.id ? e.target() : e.source();
        return "<li>" + esc(e.data("kind").replace("_", " ")) + " · " + esc(other.data("label")) + ": " + esc(e.data("reason")) + "</li>";
      }).join("");
    say("<h2 class=\"explorer__title\">" + esc(d.label) + "</h2><p class=\"note\">" + esc(facts) + "</p>" +
      "<p><a class=\"button\" id=\"graph-open\" href=\"" + esc(d.url) + "\">Open page</a></p>" +
      "<p><button class=\"button button--quiet\" type=\"button\" data-path=\"from\">Path from here</button> " +
      "<button class=\"button button--quiet\" type=\"button\" data-path=\"to\">Path to here</button></p>" +
      (reasons ? "<ul class=\"explorer__reasons\">" + reasons + "</ul>" : ""));
    details.querySelectorAll("[data-path]").forEach(function (b) {
      b.addEventListener("click", function () { pathEnds[b.getAttribute("data-path")] = d.id; drawPath(); });
    });
  }

  function kindsShown() {
    return Array.prototype.map.call(filters.querySelectorAll("input[name=kinds]:checked"), function (i) { return i.value; });
  }

  function yearBounds() {
    var y0 = parseInt(document.getElementById("year-from").value, 10), y1 = parseInt(document.getElementById("year-to").value, 10);
    return [isNaN(y0) ? -Infinity : y0, isNaN(y1) ? Infinity : y1];
  }

  // two class changes on whole collections, not one per element: per-element changes build a
  // collection each, which at a few thousand elements costs more than the first frame
  function applyFilters() {
    var kinds = kindsShown(), years = yearBounds();
    var hiddenNodes = cy.nodes().filter(function (n) {
      var y = n.data("year");
      return n.data("hop") !== 0 && (kinds.indexOf(n.data("kind")) < 0 || (y != null && (y < years[0] || y > years[1])));
    });
    var hiddenEdges = cy.edges().filter(function (e) {
      var y0 = e.data("y0"), y1 = e.data("y1");
      return (y1 != null && y1 < years[0]) || (y0 != null && y0 > years[1]);
    });
    cy.batch(function () {
      cy.elements(".filtered").not(hiddenNodes).not(hiddenEdges).removeClass("filtered");
      hiddenNodes.union(hiddenEdges).not(".filtered").addClass("filtered");
    });
    root.dataset.visibleNodes = String(cy.nodes().length - hiddenNodes.length);
  }

  function drawPath() {
    cy.elements().removeClass("on-path faded");
    pathBox.hidden = false;
    if (!pathEnds.from || !pathEnds.to) {
      pathText.textContent = pathEnds.from ? "From " + cy.getElementById(pathEnds.from).data("label") + ": now choose \"Path to here\" on another node." :
        "To " + cy.getElementById(pathEnds.to).data("label") + ": now choose \"Path from here\" on another node.";
      return;
    }
    var found = drawn().aStar({ root: cy.getElementById(pathEnds.from), goal: cy.getElementById(pathEnds.to) });
    if (!found.found) { pathText.textContent = "No path between these nodes in the graph drawn."; return; }
    cy.elements().addClass("faded");
    found.path.removeClass("faded").addClass("on-path");
    pathText.textContent = found.path.nodes().map(function (n) { return n.data("label"); }).join(" → ");
    root.dataset.pathLength = String(found.path.nodes().length);
  }

  function expand(node) {
    if (node.data("expanded")) { return; }
    node.data("expanded", 1);
    var url = "/api/graph/" + encodeURIComponent(node.id()) + "?depth=1&limit=" + root.dataset.limit + "&kinds=" + root.dataset.kinds;
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      var hop = (node.data("hop") || 0) + 1;
      var fresh = data.nodes.filter(function (n) { return cy.getElementById(n.id).empty(); });
      var centre = node.position(), radius = 60 + fresh.length * 4;
      var added = toElements({ nodes: fresh.map(function (n) { return Object.assign({}, n, { hop: Math.min(hop, 2) }); }), edges: [] });
      added.forEach(function (el, i) {
        var angle = 2 * Math.PI * i / Math.max(1, added.length);
        el.position = { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
      });
      var edges = toElements({ nodes: [], edges: data.edges }).filter(function (el) {  // each edge once, whichever end drew it first
        return cy.getElementById(el.data.id).empty() && cy.getElementById(el.data.target + ">" + el.data.source + ":" + el.data.kind).empty();
      });
      cy.add(added.concat(edges));
      applyFilters();
      root.dataset.expanded = String((parseInt(root.dataset.expanded || "0", 10)) + 1);
      root.dataset.nodes = String(cy.nodes().length);
      showDetails(node);
    });
  }

  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return; }
    var hit = drawn().nodes().filter(function (n) { return n.id().toLowerCase() === q || n.data("label").toLowerCase().indexOf(q) >= 0; });
    if (hit.empty()) { say("<p class=\"note\">No node drawn matches “" + esc(text) + "”.</p>"); return; }
    var n = hit[0];
    cy.elements().unselect();
    n.select();
    cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 200 });
    showDetails(n);
  }

  function start(data) {
    root.dataset.dataMs = String(Math.round(performance.now() - started));
    document.getElementById("graph-fallback").remove();
    var elements = placeInRings(toElements(data)), view = viewFor(elements, 0.02, 4);
    cy = window.cytoscape({
      container: canvas, elements: elements, style: style, wheelSensitivity: 0.3, minZoom: 0.02, maxZoom: 4,
      zoom: view.zoom, pan: view.pan,
      textureOnViewport: data.nodes.length > 800, hideEdgesOnViewport: data.nodes.length > 800, pixelRatio: 1,
      layout: { name: "preset", fit: false }
    });
    cy.one("render", function () {
      // first render counted from the start of navigation (the page's request), as a reader waits
      root.dataset.renderMs = String(Math.round(performance.now()));
      root.dataset.scriptMs = String(Math.round(performance.now() - started));
      root.dataset.nodes = String(cy.nodes().length);
      root.dataset.ready = "1";
      root.graph = cy;  // the drawing, for the browser tests and the console
    });
    cy.on("tap", "node", function (evt) { showDetails(evt.target); expand(evt.target); });
    cy.on("dbltap", "node", function (evt) { window.location.assign(evt.target.data("url")); });
    filters.addEventListener("change", function (evt) {
      if (evt.target.name === "kinds" || evt.target.name === "year_from" || evt.target.name === "year_to") { applyFilters(); }
    });
    searchForm.hidden = false;
    searchForm.addEventListener("submit", function (evt) { evt.preventDefault(); find(document.getElementById("graph-search-input").value); });
    document.getElementById("graph-path-clear").addEventListener("click", function () {
      pathEnds = { from: null, to: null }; cy.elements().removeClass("on-path faded"); pathBox.hidden = true;
    });
    applyFilters();
  }

  // the page carries the graph as a data block (the API's answer, never run); the API is asked
  // only when the block is missing
  var block = document.getElementById("graph-data");
  var loaded = block ? Promise.resolve().then(function () { return JSON.parse(block.textContent); }) :
    fetch(root.dataset.api, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  loaded.then(start)
    .catch(function (err) { say("<p class=\"note\">The drawing could not load (" + esc(err.message) + "); the graph is listed below.</p>"); });
}());
