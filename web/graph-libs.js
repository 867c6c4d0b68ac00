// The drawing libraries of the research graph explorer, bundled by `make install` into one file
// of the site's own static folder (static/vendor/graph-libs.min.js): graphology holds the graph,
// Sigma.js draws it with WebGL, and @sigma/node-border draws the rings for verification levels
// and integrity flags.
import Graph from "graphology";
import Sigma from "sigma";
import { createNodeBorderProgram } from "@sigma/node-border";

window.PeerscopeGraph = { Graph: Graph, Sigma: Sigma, createNodeBorderProgram: createNodeBorderProgram };
