/* The research graph explorer: draws the neighbourhood with Sigma.js over a graphology graph
   (both bundled into /static/vendor/graph-libs.min.js from npm). Sigma draws every node and edge
   with WebGL in a few draw calls and labels only the nodes large enough on screen, so a few
   thousand nodes draw at once. Pan and zoom, a click grows a node's neighbourhood, a double click
   opens its page; filters by kind and year, search, the shortest path between two nodes, and
   rings for verification levels and integrity flags. The page lists the same graph for readers
   without JavaScript. */
(function () {
  "use strict";
  var root = document.getElementById("graph-explorer");
  var libs = window.PeerscopeGraph;
  if (!root || !libs) { return; }
  var started = performance.now();
  var canvas = document.getElementById("graph-canvas");
  var details = document.getElementById("graph-details");
  var filters = document.getElementById("graph-filters");
  var searchForm = document.getElementById("graph-search");
  var pathBox = document.getElementById("graph-path");
  var pathText = document.getElementById("graph-path-text");
  var COLOURS = { work: "#0b5cad", author: "#b3541e", topic: "#2e7d32", institution: "#6a3d9a", source: "#8a6d00" };
  // the ring's share of the node's radius: thicker for a higher verification level
  var LEVEL_RING = { L1: 0.18, L2: 0.3, L3: 0.42 };
  var INK = "#1a1d21", FLAG = "#c62828", MARK = "#f9a825", FADED = "#e3e6ea", EDGE = "#b4bcc6";
  var SIZE = [13, 6.5, 3.2];  // radius in pixels by hop
  var graph = new libs.Graph({ type: "undirected", multi: true });
  var renderer = null;
  var state = { kinds: null, years: [-Infinity, Infinity], path: null, selected: null };
  var pathEnds = { from: null, to: null };

  function shortLabel(n) {
    var text = n.label.length > 42 ? n.label.slice(0, 40) + "…" : n.label;
    if (n.verification_level) { text += " · " + n.verification_level; }
    if (n.open_flags || n.retracted) { text += " ⚑"; }
    return text;
  }

  function nodeAttributes(n, hop, x, y) {
    var flagged = n.open_flags > 0 || n.retracted;
    return {
      x: x, y: y, size: SIZE[Math.min(hop, 2)], color: COLOURS[n.kind] || "#666666", type: "ringed",
      label: shortLabel(n), name: n.label, kind: n.kind, hop: hop, year: n.year, url: n.url,
      level: n.verification_level || "", trust: n.trust_score, flags: n.open_flags || 0, retracted: !!n.retracted,
      detail: n.detail || "", flagged: flagged,
      ring: flagged ? 0.42 : (LEVEL_RING[n.verification_level] || 0), ringColor: flagged ? FLAG : INK
    };
  }

  function edgeKey(e) { return e.source + ">" + e.target + ":" + e.kind; }

  // each edge once, whichever end drew it first
  function addEdges(edges) {
    edges.forEach(function (e) {
      var key = edgeKey(e);
      if (graph.hasEdge(key) || graph.hasEdge(e.target + ">" + e.source + ":" + e.kind) || !graph.hasNode(e.source) || !graph.hasNode(e.target)) { return; }
      graph.addEdgeWithKey(key, e.source, e.target, {
        kind: e.kind, weight: e.weight, reason: e.reason, y0: e.year_min, y1: e.year_max,
        size: 0.4 + 2.6 * e.weight, color: EDGE
      });
    });
  }

  // rings by hop, placed here rather than by a layout pass: a few thousand nodes draw at once
  function addInRings(nodes) {
    var rings = {};
    nodes.forEach(function (n) { (rings[n.hop] = rings[n.hop] || []).push(n); });
    var radius = 0;
    Object.keys(rings).sort().forEach(function (hop) {
      var ring = rings[hop], gap = hop === "1" ? 44 : 16;
      radius = hop === "0" ? 0 : Math.max(radius + 160, ring.length * gap / (2 * Math.PI));
      ring.forEach(function (n, i) {
        var angle = 2 * Math.PI * i / ring.length;
        graph.addNode(n.id, nodeAttributes(n, n.hop, radius * Math.cos(angle), -radius * Math.sin(angle)));
      });
    });
  }

  // what the filters hide: the centre always stays
  function filteredOut(a) {
    if (a.hop === 0) { return false; }
    return (state.kinds && state.kinds.indexOf(a.kind) < 0) || (a.year != null && (a.year < state.years[0] || a.year > state.years[1]));
  }

  function edgeFilteredOut(key, a) {
    var ends = graph.extremities(key);
    return filteredOut(graph.getNodeAttributes(ends[0])) || filteredOut(graph.getNodeAttributes(ends[1])) ||
      (a.y1 != null && a.y1 < state.years[0]) || (a.y0 != null && a.y0 > state.years[1]);
  }

  // the drawing's look is computed from the graph and the state on each refresh (Sigma's reducers):
  // filters hide, a path fades everything off it, the selected node is highlighted
  function nodeReducer(node, a) {
    var out = Object.assign({}, a);
    if (filteredOut(a)) { out.hidden = true; return out; }
    if (state.path && !state.path.nodes[node]) { out.color = FADED; out.ring = 0; out.label = ""; out.zIndex = 0; }
    else if (state.path) { out.ring = 0.42; out.ringColor = MARK; out.forceLabel = true; out.zIndex = 2; }
    if (node === state.selected) { out.highlighted = true; out.ring = 0.42; out.ringColor = MARK; out.forceLabel = true; out.zIndex = 3; }
    return out;
  }

  function edgeReducer(edge, a) {
    var out = Object.assign({}, a);
    if (edgeFilteredOut(edge, a)) { out.hidden = true; return out; }
    if (state.path) {
      if (state.path.edges[edge]) { out.color = MARK; out.size = 4; out.zIndex = 2; } else { out.color = FADED; }
    }
    return out;
  }

  function drawnNodes() { return graph.filterNodes(function (n, a) { return !filteredOut(a); }); }

  function say(html) { details.innerHTML = html; }
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  function showDetails(node) {
    var d = graph.getNodeAttributes(node);
    var facts = [d.kind + (d.detail ? " · " + d.detail : ""), d.year ? "year " + d.year : "", d.level ? "verification " + d.level : "",
      d.trust != null ? "trust " + d.trust : "", d.flags ? d.flags + " open flag" + (d.flags === 1 ? "" : "s") : "", d.retracted ? "retracted" : ""]
      .filter(Boolean).join(" · ");
    var reasons = graph.edges(node).filter(function (e) { return !edgeFilteredOut(e, graph.getEdgeAttributes(e)); })
      .sort(function (a, b) { return graph.getEdgeAttribute(b, "weight") - graph.getEdgeAttribute(a, "weight"); }).slice(0, 6)
      .map(function (e) {
        var a = graph.getEdgeAttributes(e), other = graph.opposite(node, e);
        return "<li>" + esc(a.kind.replace("_", " ")) + " · " + esc(graph.getNodeAttribute(other, "name")) + ": " + esc(a.reason) + "</li>";
      }).join("");
    say("<h2 class=\"explorer__title\">" + esc(d.name) + "</h2><p class=\"note\">" + esc(facts) + "</p>" +
      "<p><a class=\"button\" id=\"graph-open\" href=\"" + esc(d.url) + "\">Open page</a></p>" +
      "<p><button class=\"button button--quiet\" type=\"button\" data-path=\"from\">Path from here</button> " +
      "<button class=\"button button--quiet\" type=\"button\" data-path=\"to\">Path to here</button></p>" +
      (reasons ? "<ul class=\"explorer__reasons\">" + reasons + "</ul>" : ""));
    details.querySelectorAll("[data-path]").forEach(function (b) {
      b.addEventListener("click", function () { pathEnds[b.getAttribute("data-path")] = node; drawPath(); });
    });
  }

  function select(node) {
    state.selected = node;
    renderer.refresh();
    showDetails(node);
  }

  function readFilters() {
    state.kinds = Array.prototype.map.call(filters.querySelectorAll("input[name=kinds]:checked"), function (i) { return i.value; });
    var y0 = parseInt(document.getElementById("year-from").value, 10), y1 = parseInt(document.getElementById("year-to").value, 10);
    state.years = [isNaN(y0) ? -Infinity : y0, isNaN(y1) ? Infinity : y1];
  }

  function applyFilters() {
    readFilters();
    if (renderer) { renderer.refresh(); }
    root.dataset.visibleNodes = String(drawnNodes().length);
  }

  // the fewest hops between two nodes over what is drawn (breadth first)
  function shortestPath(from, to) {
    var prev = {}, queue = [from], seen = {};
    seen[from] = true;
    while (queue.length) {
      var at = queue.shift();
      if (at === to) { break; }
      graph.forEachEdge(at, function (e, a, s, t) {
        var next = s === at ? t : s;
        if (seen[next] || filteredOut(graph.getNodeAttributes(next)) || edgeFilteredOut(e, a)) { return; }
        seen[next] = true;
        prev[next] = { node: at, edge: e };
        queue.push(next);
      });
    }
    if (!seen[to]) { return null; }
    var nodes = [to], edges = [];
    for (var n = to; n !== from; n = prev[n].node) { edges.push(prev[n].edge); nodes.push(prev[n].node); }
    return { nodes: nodes.reverse(), edges: edges };
  }

  function drawPath() {
    state.path = null;
    pathBox.hidden = false;
    if (!pathEnds.from || !pathEnds.to) {
      renderer.refresh();
      pathText.textContent = pathEnds.from ? "From " + graph.getNodeAttribute(pathEnds.from, "name") + ": now choose \"Path to here\" on another node." :
        "To " + graph.getNodeAttribute(pathEnds.to, "name") + ": now choose \"Path from here\" on another node.";
      return;
    }
    var found = shortestPath(pathEnds.from, pathEnds.to);
    if (!found) { renderer.refresh(); pathText.textContent = "No path between these nodes in the graph drawn."; return; }
    state.path = { nodes: {}, edges: {} };
    found.nodes.forEach(function (n) { state.path.nodes[n] = true; });
    found.edges.forEach(function (e) { state.path.edges[e] = true; });
    renderer.refresh();
    pathText.textContent = found.nodes.map(function (n) { return graph.getNodeAttribute(n, "name"); }).join(" → ");
    root.dataset.pathLength = String(found.nodes.length);
  }

  function expand(node) {
    if (graph.getNodeAttribute(node, "expanded")) { return; }
    graph.setNodeAttribute(node, "expanded", true);
    var url = "/api/graph/" + encodeURIComponent(node) + "?depth=1&limit=" + root.dataset.limit + "&kinds=" + root.dataset.kinds;
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      var at = graph.getNodeAttributes(node), hop = Math.min(at.hop + 1, 2);
      var fresh = data.nodes.filter(function (n) { return !graph.hasNode(n.id); });
      var radius = 60 + fresh.length * 4;
      fresh.forEach(function (n, i) {
        var angle = 2 * Math.PI * i / Math.max(1, fresh.length);
        graph.addNode(n.id, nodeAttributes(n, hop, at.x + radius * Math.cos(angle), at.y + radius * Math.sin(angle)));
      });
      addEdges(data.edges);
      applyFilters();
      root.dataset.expanded = String((parseInt(root.dataset.expanded || "0", 10)) + 1);
      root.dataset.nodes = String(graph.order);
      showDetails(node);
    });
  }

  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return; }
    var hit = drawnNodes().filter(function (n) { return n.toLowerCase() === q || graph.getNodeAttribute(n, "name").toLowerCase().indexOf(q) >= 0; });
    if (!hit.length) { say("<p class=\"note\">No node drawn matches “" + esc(text) + "”.</p>"); return; }
    select(hit[0]);
    var at = renderer.getNodeDisplayData(hit[0]), camera = renderer.getCamera();
    camera.animate({ x: at.x, y: at.y, ratio: Math.min(camera.ratio, 0.6) }, { duration: 200 });
  }

  // a small view of the drawing for the browser tests and the console
  function facade() {
    function pick(kind, hop) {
      return graph.filterNodes(function (n, a) { return (!kind || a.kind === kind) && (hop == null || a.hop === hop); });
    }
    return {
      graph: graph, sigma: renderer,
      count: function (kind) { return pick(kind).length; },
      shown: function (kind) { return pick(kind).filter(function (n) { return !filteredOut(graph.getNodeAttributes(n)); }).length; },
      drawn: function (kind) { return pick(kind).filter(function (n) { var d = renderer.getNodeDisplayData(n); return d && !d.hidden; }).length; },
      nodes: function (kind, hop) { return pick(kind, hop).map(function (n) { return Object.assign({ id: n }, graph.getNodeAttributes(n)); }); },
      label: function (n) { return graph.getNodeAttribute(n, "name"); },
      screen: function (n) { return renderer.graphToViewport(graph.getNodeAttributes(n)); },
      tap: function (n) { select(n); expand(n); }
    };
  }

  function start(data) {
    root.dataset.dataMs = String(Math.round(performance.now() - started));
    document.getElementById("graph-fallback").remove();
    readFilters();
    addInRings(data.nodes);
    addEdges(data.edges);
    var ringed = libs.createNodeBorderProgram({ borders: [
      { size: { attribute: "ring", defaultValue: 0 }, color: { attribute: "ringColor", defaultValue: INK } },
      { size: { fill: true }, color: { attribute: "color" } }
    ] });
    renderer = new libs.Sigma(graph, canvas, {
      nodeProgramClasses: { ringed: ringed }, defaultNodeType: "ringed",
      nodeReducer: nodeReducer, edgeReducer: edgeReducer, zIndex: true,
      labelFont: "system-ui, sans-serif", labelSize: 11, labelColor: { color: INK }, labelRenderedSizeThreshold: 6,
      minCameraRatio: 0.02, maxCameraRatio: 4, stagePadding: 24
    });
    // Sigma drew the first frame while it was built: it reaches the screen with the next frame
    requestAnimationFrame(function () {
      // first render counted from the start of navigation (the page's request), as a reader waits
      root.dataset.renderMs = String(Math.round(performance.now()));
      root.dataset.scriptMs = String(Math.round(performance.now() - started));
      root.dataset.nodes = String(graph.order);
      root.graph = facade();
      root.dataset.ready = "1";
    });
    renderer.on("clickNode", function (evt) { select(evt.node); expand(evt.node); });
    renderer.on("doubleClickNode", function (evt) { evt.preventSigmaDefault(); window.location.assign(graph.getNodeAttribute(evt.node, "url")); });
    filters.addEventListener("change", function (evt) {
      if (evt.target.name === "kinds" || evt.target.name === "year_from" || evt.target.name === "year_to") { applyFilters(); }
    });
    searchForm.hidden = false;
    searchForm.addEventListener("submit", function (evt) { evt.preventDefault(); find(document.getElementById("graph-search-input").value); });
    document.getElementById("graph-path-clear").addEventListener("click", function () {
      pathEnds = { from: null, to: null }; state.path = null; renderer.refresh(); pathBox.hidden = true;
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
