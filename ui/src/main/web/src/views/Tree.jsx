import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, enc } from '../api.js';
import { useLoad, useLive, useThrottled, useKeys } from '../hooks.js';
import { href } from '../route.js';
import { fmt, GROUP_COLORS, markOnce } from '../format.js';
import { Loading, ErrorNote, StatusBadge, TrialLink, useWidth } from '../components.jsx';
import { buildTree, subtreeSizes, visibleIds, hidesTrials, mergeSubtrees } from '../tree/model.js';
import { TreeCanvas } from '../tree/canvas.js';

const FOLD_LIMIT = 10000;

/** The tree of tries: coloured by status, the chain from the root to the best in orange, foldable, zoomable. */
export function TreeView({ campaign, query }) {
  // the server sends at most FOLD_LIMIT rows, larger subtrees folded; the ones opened here are fetched (and
  // fetched again on live updates) by the trial they hang under
  const opened = useRef([]);
  const treeUrl = `/api/campaigns/${enc(campaign)}/tree?limit=${FOLD_LIMIT}`;
  const fetchTree = async () => {
    const [main, ...subs] = await Promise.all([getJson(treeUrl),
      ...opened.current.map((id) => getJson(`${treeUrl}&under=${enc(id)}`).catch(() => ({ nodes: [] })))]);
    return { ...main, nodes: mergeSubtrees(main.nodes, subs.map((s) => s.nodes)) };
  };
  const load = useLoad(fetchTree, [campaign]);
  const openSubtree = async (id) => {
    const sub = await getJson(`${treeUrl}&under=${enc(id)}`);
    opened.current = [...opened.current, id];
    load.setData((d) => ({ ...d, nodes: mergeSubtrees(d.nodes, [sub.nodes]) }));
  };
  const refresh = useThrottled(() => load.reload(), 3000);
  useLive(refresh, [campaign]);
  const data = load.data;
  return (
    <div class="view" id="view-tree">
      <div class="title-row"><h1>Lineage of {campaign}</h1></div>
      <ErrorNote error={load.error} />
      {!data ? <Loading what="the lineage tree" /> : data.nodes.length === 0
        ? <p class="muted">No trial is in the lineage yet.</p>
        : <TreeBody data={data} focus={query.focus} openSubtree={openSubtree} />}
    </div>
  );
}

function TreeBody({ data, focus, openSubtree }) {
  const tree = useMemo(() => buildTree(data.nodes), [data]);
  const sizes = useMemo(() => subtreeSizes(tree), [tree]);
  // folded here by the user, and folded by the server (their subtrees not fetched yet)
  const [userFolded, setFolded] = useState(() => new Set());
  const folded = useMemo(() => {
    const all = new Set(userFolded);
    // a node that hides trials and has none of its children here is folded; one with children here (a chain node
    // whose other children did not all fit) stays open and shows "+N more"
    for (const n of data.nodes) if (hidesTrials(n) && !tree.children.has(n.id)) all.add(n.id);
    return all;
  }, [tree, userFolded]);
  const visible = useMemo(() => visibleIds(tree, folded), [tree, folded]);
  // once per fold change, not per render (hovering re-renders): a set, since folded x visible was 30M comparisons
  const foldedCount = useMemo(() => {
    const drawn = new Set(visible);
    let n = 0;
    for (const id of folded) if (drawn.has(id)) n++;
    return n;
  }, [folded, visible]);
  const [hover, setHover] = useState(null);
  const [selected, setSelected] = useState(focus || data.bestTrialId || tree.root);
  const [goto, setGoto] = useState('');
  const box = useRef();
  const canvasRef = useRef();
  const painter = useRef();
  const width = useWidth(box, 1100);
  const height = Math.max(420, Math.min(760, window.innerHeight - 260));

  const toggle = (id) => {
    if (hidesTrials(tree.byId.get(id))) {
      openSubtree(id);
      return;
    }
    setFolded((f) => {
      const next = new Set(f);
      if (next.has(id)) next.delete(id); else if (tree.children.has(id)) next.add(id);
      return next;
    });
  };
  const open = (id) => { location.hash = href('trial', { trial: id }); };

  useEffect(() => {
    painter.current = new TreeCanvas(canvasRef.current, {
      onOpen: (id) => open(id),
      onToggle: (id) => toggle(id),
      onHover: (id, e) => setHover(id ? { id, x: e.offsetX, y: e.offsetY } : null),
    });
    canvasRef.current.looplab = painter.current;
  }, []);
  const first = useRef(true);
  useEffect(() => {
    const p = painter.current;
    p.setData({ tree, folded, chain: data.bestChain, sizes }, visible);
    p.selected = selected;
    p.resize(width, height);
    if (first.current) {
      first.current = false;
      p.fit();
      if (focus) p.center(focus);
    } else {
      p.draw();
    }
    canvasRef.current.dataset.drawn = String(visible.length);
    markOnce('tree');
  }, [visible, width, height]);
  useEffect(() => { const p = painter.current; p.selected = selected; p.draw(); }, [selected]);

  const node = (id) => tree.byId.get(id);
  const move = (to) => { if (to) { setSelected(to); painter.current.center(to); } };
  useKeys({
    ArrowLeft: () => move(node(selected)?.parent),
    ArrowRight: () => move((tree.children.get(selected) || [])[0]),
    ArrowDown: () => { const p = node(selected)?.parent; const s = tree.children.get(p) || []; move(s[s.indexOf(selected) + 1]); },
    ArrowUp: () => { const p = node(selected)?.parent; const s = tree.children.get(p) || []; move(s[s.indexOf(selected) - 1]); },
    Enter: () => selected && open(selected),
    ' ': () => selected && toggle(selected),
    '+': () => painter.current.zoomBy(1.4),
    '=': () => painter.current.zoomBy(1.4),
    '-': () => painter.current.zoomBy(1 / 1.4),
    0: () => painter.current.fit(),
  }, [selected, tree]);

  const shown = hover ? node(hover.id) : null;
  const sel = node(selected);
  return (
    <>
      <div class="tree-toolbar">
        <span>{data.total.toLocaleString()} trials in the lineage, {visible.length.toLocaleString()} drawn{foldedCount ? `, ${foldedCount.toLocaleString()} folded (ringed)` : ''}</span>
        <button class="small" onClick={() => painter.current.fit()}>Fit</button>
        <button class="small" onClick={() => data.bestTrialId && move(data.bestTrialId)} disabled={!data.bestTrialId}>Best</button>
        <button class="small" onClick={() => setFolded(new Set())} disabled={userFolded.size === 0}>Unfold all</button>
        <form onSubmit={(e) => { e.preventDefault(); if (tree.byId.has(goto.trim())) move(goto.trim()); }}>
          <label>trial <input size="8" value={goto} onInput={(e) => setGoto(e.target.value)} /></label> <button class="small">Go</button>
        </form>
        <span class="legend">
          {['keep', 'discard', 'in_flight', 'failure'].map((g) => <span><i style={{ background: GROUP_COLORS[g] }} />{g.replace('_', ' ')}</span>)}
          <span><i class="chain" />chain to best</span>
        </span>
      </div>
      <div class="tree-box" ref={box}>
        <canvas id="tree-canvas" ref={canvasRef} tabIndex={0} aria-label="lineage tree: arrows move, Enter opens, Space folds, + and - zoom" />
        {shown && (
          <div class="tooltip" style={{ left: hover.x + 14, top: hover.y + 10 }}>
            <strong>trial {shown.id}</strong> <StatusBadge status={shown.status} /><br />
            {shown.specialist} · score {fmt(shown.score)}
          </div>)}
      </div>
      <p class="caption">Click a trial to open it; right-click or Shift+click folds or unfolds its subtree (a ringed trial has trials below it not drawn yet: this fetches them); drag to move, scroll to zoom.
        Keyboard: arrows move between parent, children and siblings; Enter opens; Space folds; + / - zoom; 0 fits.</p>
      {sel && (
        <p class="selected-node" aria-live="polite">Selected: <TrialLink id={sel.id}>trial {sel.id}</TrialLink> <StatusBadge status={sel.status} /> {sel.specialist}, score {fmt(sel.score)}
          {(tree.children.has(sel.id) || hidesTrials(sel)) && <> · {(sizes.get(sel.id) - 1).toLocaleString()} below · <button class="link" onClick={() => toggle(sel.id)}>{hidesTrials(sel) ? `open the ${sel.hidden.toLocaleString()} not drawn` : folded.has(sel.id) ? 'unfold' : 'fold'}</button></>}</p>)}
      <details class="chain-list">
        <summary>Chain from the root to the best ({data.bestChain.length} {data.bestChain.length === 1 ? 'trial' : 'trials'})</summary>
        <ol>{data.bestChain.slice(-200).map((id) => <li><TrialLink id={id}>trial {id}</TrialLink> <StatusBadge status={node(id)?.status} /> {fmt(node(id)?.score)}</li>)}</ol>
      </details>
    </>
  );
}
