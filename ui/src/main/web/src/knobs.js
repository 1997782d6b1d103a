// Knob values from a recipe's text: a line tagged `@knob` assigns one (`static final float LR = 3e-3f; // @knob`,
// `LR = 3e-3  # @knob ...`). Pure: tested by src/test/knobs.test.js.
const KNOB = /^\s*(?:[\w<>\[\]]+\s+)*([A-Za-z_][\w]*)\s*[:=]\s*([^;#/]+?)\s*[;,]?\s*(?:\/\/|#)\s*@knob\b/;

export function knobLines(text) {
  const out = {};
  for (const line of (text || '').split('\n')) {
    const m = KNOB.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** Every knob of a recipe, `file:NAME` when two files define the same name. */
export function knobsOf(files) {
  const out = {};
  for (const f of files || []) {
    if (f.text === null || f.text === undefined) continue;
    for (const [name, value] of Object.entries(knobLines(f.text))) {
      out[name in out ? `${f.path}:${name}` : name] = value;
    }
  }
  return out;
}
