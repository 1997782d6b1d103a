// Draws the lineage tree on a canvas (d3-hierarchy's tidy tree layout, d3-zoom for pan and zoom): one path per
// colour and one for the edges, only what is in view, so 10,000 drawn nodes pan and zoom at frame rate.
import { hierarchy, tree as tidyTree } from 'd3-hierarchy';
import { zoom, zoomIdentity } from 'd3-zoom';
import { select } from 'd3-selection';
import { GROUP_COLORS, groupOf } from '../format.js';

const ROW = 14;   // vertical distance between siblings
const COL = 56;   // horizontal distance between generations
const R = 4;

/**
 * d3's hierarchy(rootData, childrenOf) built in linear time. d3's own sets each node's height by walking up its
 * ancestors in pre-order, which is quadratic on a long chain: the 21,000-trial path to the best of a 100,000-trial
 * campaign took about 0.6 s of the tree's first paint. Same nodes, depths and heights; the tidy layout is the same.
 */
export function linearHierarchy(rootData, childrenOf) {
  const Node = hierarchy(rootData, () => null).constructor;
  const root = new Node(rootData);
  const order = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    order.push(node);
    const kids = childrenOf(node.data);
    if (kids && kids.length) {
      node.children = kids.map((d) => {
        const child = new Node(d);
        child.parent = node;
        child.depth = node.depth + 1;
        return child;
      });
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
  for (let i = order.length - 1; i > 0; i--) {
    const node = order[i];
    if (node.parent.height < node.height + 1) node.parent.height = node.height + 1;
  }
  return root;
}

export class TreeCanvas {
  constructor(canvas, { onOpen, onToggle, onHover }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.onOpen = onOpen;
    this.onToggle = onToggle;
    this.onHover = onHover;
    this.transform = zoomIdentity;
    this.points = [];
    this.selected = null;
    this.zoom = zoom().scaleExtent([0.01, 6]).on('zoom', (e) => { this.transform = e.transform; this.draw(); });
    select(canvas).call(this.zoom).on('dblclick.zoom', null);
    canvas.addEventListener('click', (e) => {
      const hit = this.hit(e);
      if (!hit) return;
      if (e.shiftKey || e.altKey) this.onToggle(hit.id); else this.onOpen(hit.id);
    });
    canvas.addEventListener('contextmenu', (e) => {
      const hit = this.hit(e);
      if (hit) { e.preventDefault(); this.onToggle(hit.id); }
    });
    canvas.addEventListener('mousemove', (e) => {
      if (this.hoverFrame) return;
      this.hoverFrame = requestAnimationFrame(() => {
        this.hoverFrame = null;
        const hit = this.hit(e);
        canvas.style.cursor = hit ? 'pointer' : 'grab';
        this.onHover(hit ? hit.id : null, e);
      });
    });
    canvas.addEventListener('mouseleave', () => this.onHover(null));
  }

  /** Lays out the visible nodes; `model` is {tree, folded, chain, sizes}. */
  setData(model, visible) {
    this.model = model;
    const { tree, folded } = model;
    const shown = new Set(visible);
    const rootData = tree.root;
    const h = linearHierarchy(rootData, (id) => (folded.has(id) ? null : (tree.children.get(id) || []).filter((c) => shown.has(c))));
    tidyTree().nodeSize([ROW, COL]).separation((a, b) => (a.parent === b.parent ? 1 : 1.5))(h);
    this.points = [];
    this.index = new Map();
    h.each((d) => {
      const n = tree.byId.get(d.data);
      const p = { id: d.data, x: d.y, y: d.x, parent: d.parent ? d.parent.data : null, node: n,
        folded: folded.has(d.data) && ((tree.children.get(d.data) || []).length > 0 || n.hidden > 0),
        more: !folded.has(d.data) && n.hidden > 0 ? n.hidden : 0 };
      this.points.push(p);
      this.index.set(p.id, p);
    });
    this.chain = new Set(model.chain);
    let minY = Infinity, maxY = -Infinity, maxX = 0;
    for (const p of this.points) { minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); maxX = Math.max(maxX, p.x); }
    this.bounds = { minY, maxY, maxX };
  }

  resize(width, height) {
    const dpr = window.devicePixelRatio || 1;
    this.width = width;
    this.height = height;
    this.canvas.width = Math.floor(width * dpr);
    this.canvas.height = Math.floor(height * dpr);
    this.canvas.style.width = width + 'px';
    this.canvas.style.height = height + 'px';
    this.dpr = dpr;
    this.draw();
  }

  /** Fits the whole tree (no smaller than a readable minimum) with the root at the left. */
  fit() {
    const b = this.bounds;
    if (!b) return;
    const k = Math.max(0.05, Math.min(2, (this.width - 80) / Math.max(1, b.maxX), (this.height - 40) / Math.max(1, b.maxY - b.minY)));
    const t = zoomIdentity.translate(40, this.height / 2 - ((b.minY + b.maxY) / 2) * k).scale(k);
    select(this.canvas).call(this.zoom.transform, t);
  }

  /** Moves the view so the trial is in the middle. */
  center(id) {
    const p = this.index.get(id);
    if (!p) return;
    const k = Math.max(this.transform.k, 0.8);
    select(this.canvas).call(this.zoom.transform, zoomIdentity.translate(this.width / 2 - p.x * k, this.height / 2 - p.y * k).scale(k));
  }

  zoomBy(factor) { select(this.canvas).call(this.zoom.scaleBy, factor); }
  panBy(dx, dy) { select(this.canvas).call(this.zoom.translateBy, dx / this.transform.k, dy / this.transform.k); }

  /** Where a trial is drawn, in CSS pixels from the canvas's top left (for tests and the tooltip). */
  positionOf(id) {
    const p = this.index.get(id);
    if (!p) return null;
    return { x: this.transform.applyX(p.x), y: this.transform.applyY(p.y) };
  }

  hit(e) {
    const rect = this.canvas.getBoundingClientRect();
    const [x, y] = this.transform.invert([e.clientX - rect.left, e.clientY - rect.top]);
    const reach = Math.max(R + 2, 8 / this.transform.k);
    let best = null, bestD = reach * reach;
    for (const p of this.points) {
      const dx = p.x - x, dy = p.y - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { best = p; bestD = d; }
    }
    return best;
  }

  draw() {
    const { ctx, transform: t } = this;
    if (!this.width) return;
    const started = performance.now();
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.translate(t.x, t.y);
    ctx.scale(t.k, t.k);
    const x0 = -t.x / t.k - COL, x1 = (this.width - t.x) / t.k + COL;
    const y0 = -t.y / t.k - ROW, y1 = (this.height - t.y) / t.k + ROW;
    const inView = (p) => p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1;
    const edges = new Path2D();
    const chainEdges = new Path2D();
    const byColor = new Map();
    let drawn = 0;
    for (const p of this.points) {
      const parent = p.parent ? this.index.get(p.parent) : null;
      if (parent && (inView(p) || inView(parent) || (parent.x < x1 && p.x > x0 && Math.min(p.y, parent.y) < y1 && Math.max(p.y, parent.y) > y0))) {
        const path = this.chain.has(p.id) && this.chain.has(parent.id) ? chainEdges : edges;
        const mid = parent.x + COL / 2;
        path.moveTo(parent.x, parent.y);
        path.lineTo(mid, parent.y);
        path.lineTo(mid, p.y);
        path.lineTo(p.x, p.y);
      }
      if (!inView(p)) continue;
      drawn++;
      const color = GROUP_COLORS[groupOf(p.node.status)] || GROUP_COLORS.unknown;
      let path = byColor.get(color);
      if (!path) byColor.set(color, (path = new Path2D()));
      path.moveTo(p.x + R, p.y);
      path.arc(p.x, p.y, R, 0, Math.PI * 2);
    }
    ctx.lineWidth = 1 / Math.max(t.k, 0.5);
    ctx.strokeStyle = '#b0b7c0';
    ctx.stroke(edges);
    ctx.lineWidth = 3 / Math.max(t.k, 0.5);
    ctx.strokeStyle = '#e37400';
    ctx.stroke(chainEdges);
    for (const [color, path] of byColor) {
      ctx.fillStyle = color;
      ctx.fill(path);
    }
    ctx.lineWidth = 1.5 / Math.max(t.k, 0.5);
    for (const p of this.points) {
      if (!inView(p)) continue;
      if (p.folded || p.more) {
        ctx.strokeStyle = '#202124';
        ctx.beginPath();
        ctx.arc(p.x, p.y, R + 2.5, 0, Math.PI * 2);
        ctx.stroke();
      }
      if (this.chain.has(p.id)) {
        ctx.strokeStyle = '#e37400';
        ctx.beginPath();
        ctx.arc(p.x, p.y, R + 1.5, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    if (t.k >= 0.7 && drawn < 3000) {
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillStyle = '#202124';
      ctx.textBaseline = 'middle';
      for (const p of this.points) {
        if (!inView(p)) continue;
        const folded = p.folded ? ` +${this.model.sizes.get(p.id) - 1}` : p.more ? ` +${p.more} more` : '';
        ctx.fillText(p.id + folded, p.x + R + 3, p.y - 6);
      }
    }
    const sel = this.selected && this.index.get(this.selected);
    if (sel) {
      ctx.strokeStyle = '#1a56c4';
      ctx.lineWidth = 2.5 / Math.max(t.k, 0.5);
      ctx.beginPath();
      ctx.arc(sel.x, sel.y, R + 5, 0, Math.PI * 2);
      ctx.stroke();
    }
    this.lastFrameMs = performance.now() - started;
    this.lastDrawn = drawn;
  }
}
