// diff2html with highlight.js's core and only the languages recipes are written in (Java, Python, YAML, shell,
// Markdown): a fraction of highlight.js's full bundle. Loaded on the first diff or file shown.
import hljs from 'highlight.js/lib/core';
import java from 'highlight.js/lib/languages/java';
import python from 'highlight.js/lib/languages/python';
import yaml from 'highlight.js/lib/languages/yaml';
import bash from 'highlight.js/lib/languages/bash';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import { Diff2HtmlUI } from 'diff2html/lib-esm/ui/js/diff2html-ui-base.js';
import 'diff2html/bundles/css/diff2html.min.css';
import 'highlight.js/styles/github.css';

hljs.registerLanguage('java', java);
hljs.registerLanguage('python', python);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('markdown', markdown);
hljs.registerLanguage('plaintext', plaintext);

const BY_EXTENSION = { java: 'java', py: 'python', yaml: 'yaml', yml: 'yaml', sh: 'bash', md: 'markdown' };

export function languageOf(path) {
  const ext = (path.split('.').pop() || '').toLowerCase();
  return BY_EXTENSION[ext] || 'plaintext';
}

export function drawDiff(target, diff, layout) {
  const ui = new Diff2HtmlUI(target, diff, {
    outputFormat: layout === 'side' ? 'side-by-side' : 'line-by-line',
    drawFileList: false,
    matching: 'lines',
    highlight: true,
    synchronisedScroll: true,
    fileContentToggle: false,
    stickyFileHeaders: false,
    colorScheme: 'light',
  }, hljs);
  ui.draw();
  ui.highlightCode();
}

export function highlightInto(code, path, text) {
  const result = hljs.highlight(text, { language: languageOf(path), ignoreIllegals: true });
  code.innerHTML = result.value;
  code.classList.add('hljs');
}
