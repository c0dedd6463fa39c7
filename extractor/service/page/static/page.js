// The factcheck page: one request per check (POST /api/review), the answer drawn as the document's
// text with each finding marked in place and the findings grouped by severity beside it.
// Document text is only ever set with textContent: nothing from the document runs as markup.
'use strict';

const LABELS = {error: 'Erreur', warning: 'Avertissement', info: 'Information'};
const GROUPS = {error: 'Erreurs', warning: 'Avertissements', info: 'Informations'};
const ICONS = {error: 'fr-icon-error-fill', warning: 'fr-icon-warning-fill', info: 'fr-icon-info-fill'};
const ORDER = ['error', 'warning', 'info'];

const $ = (id) => document.getElementById(id);
const form = $('formulaire');
const text = $('text');
const file = $('file');
const date = $('date');
const submit = $('submit');
const result = $('resultat');
let running = false;
let blobs = [];
let current = null;  // the answer on screen

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'style') node.style.cssText = value;  // the CSSOM: allowed by the page's CSP, a style attribute is not
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function plural(n, one, many) { return n + ' ' + (n > 1 ? many : one); }
function seconds(ms) { return (ms / 1000).toFixed(1).replace('.', ',') + ' s'; }
function pointFr(x) { return String(Math.round(x)); }

// What is checked: the file when one is chosen, the pasted text otherwise (said before and after).
function chosen() { return file.files && file.files.length ? file.files[0] : null; }
function sayWhich() {
  const f = chosen();
  $('clear-file').hidden = !f;
  if (f && text.value.trim()) {
    $('which').textContent = `Sera vérifié : le fichier « ${f.name} ». Le texte collé ne sera pas envoyé (retirez le fichier pour vérifier le texte).`;
  } else if (f) {
    $('which').textContent = `Sera vérifié : le fichier « ${f.name} ».`;
  } else if (text.value.trim()) {
    $('which').textContent = 'Sera vérifié : le texte collé.';
  } else {
    $('which').textContent = "Si un fichier est choisi, c'est lui qui est vérifié et le texte collé n'est pas envoyé.";
  }
}
text.addEventListener('input', sayWhich);
file.addEventListener('change', sayWhich);
$('clear-file').addEventListener('click', () => { file.value = ''; sayWhich(); file.focus(); });

// The drop zone: a file dropped anywhere in the frame becomes the file field's file.
const drop = $('drop');
for (const kind of ['dragenter', 'dragover']) {
  drop.addEventListener(kind, (event) => { event.preventDefault(); drop.classList.add('fc-drop--over'); });
}
drop.addEventListener('dragleave', () => drop.classList.remove('fc-drop--over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('fc-drop--over');
  const files = event.dataTransfer && event.dataTransfer.files;
  if (!files || !files.length) return;
  const kept = new DataTransfer();
  kept.items.add(files[0]);
  file.files = kept.files;
  sayWhich();
});

function clearResult() {
  current = null;
  result.hidden = true;
  for (const id of ['doc', 'findings', 'summary', 'checked-what', 'shown']) $(id).replaceChildren();
  $('filter-severity').value = '';
  $('filter-rule').replaceChildren(el('option', {value: '', text: 'Toutes'}));
  for (const url of blobs) URL.revokeObjectURL(url);
  blobs = [];
  $('error').hidden = true;
  $('error-message').textContent = '';
  $('error-hint').textContent = '';
}

function showError(message, hint) {
  $('error-message').textContent = message;
  $('error-hint').textContent = hint || '';
  $('error-hint').hidden = !hint;
  $('error').hidden = false;
}

let timer = null;
function setRunning(on, started) {
  running = on;
  submit.disabled = on;
  form.setAttribute('aria-busy', on ? 'true' : 'false');
  $('status').classList.toggle('fc-running', on);
  if (on) {
    $('status-text').textContent = 'Vérification en cours…';
    const tick = () => { $('elapsed').textContent = seconds(performance.now() - started); };
    tick();
    timer = setInterval(tick, 100);
  } else {
    clearInterval(timer);
    timer = null;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (running) return;  // a second click while a check runs sends nothing
  clearResult();
  const f = chosen();
  const pasted = text.value;
  if (!f && !pasted.trim()) {
    $('status-text').textContent = '';
    $('elapsed').textContent = '';
    showError('Rien à vérifier : collez un texte ou choisissez un fichier.', '');
    text.focus();
    return;
  }
  let request;
  if (f) {
    const body = new FormData();
    body.append('file', f);
    if (date.value) body.append('date', date.value);
    request = {method: 'POST', body};
  } else {
    request = {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({text: pasted, format: 'markdown', date: date.value || null})};
  }
  const what = f ? `le fichier « ${f.name} »` : 'le texte collé';
  const started = performance.now();
  setRunning(true, started);
  let answer = null;
  try {
    const response = await fetch('/api/review?fail_on=never', request);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok || !data || !data.report) {
      const message = (data && (data.message_fr || (typeof data.detail === 'string' && data.detail)))
        || `erreur ${response.status} du service`;
      showError(message.charAt(0).toUpperCase() + message.slice(1), data && data.hint_fr);
    } else {
      answer = data;
    }
  } catch (_) {
    showError("Le service ne répond pas.", "Vérifiez que « factcheck serve » tourne, puis réessayez.");
  } finally {
    setRunning(false);
  }
  const took = seconds(performance.now() - started);
  if (!answer) {
    $('status-text').textContent = `Échec après ${took}.`;
    $('elapsed').textContent = '';
    return;
  }
  $('status-text').textContent = `Vérifié en ${took}.`;
  $('elapsed').textContent = '';
  render(answer, what);
});

// ---- the answer -------------------------------------------------------------------------------

function placeOf(location, page) {
  if (location.page) {
    let out = `page ${location.page}`;
    const box = location.bbox;
    if (box && page) out += ', ' + region(box, page);
    return out + ` (ligne ${location.line} du texte de la page)`;
  }
  return `ligne ${location.line}, colonne ${location.column}`;
}

// Where a box sits on its page, in words: "en haut à droite", "au milieu"…
function region(box, page) {
  const x = (box[0] + box[2]) / 2 / page.width;
  const y = (box[1] + box[3]) / 2 / page.height;
  const v = y < 1 / 3 ? 'en haut' : (y < 2 / 3 ? 'au milieu' : 'en bas');
  const h = x < 1 / 3 ? ' à gauche' : (x < 2 / 3 ? '' : ' à droite');
  return v === 'au milieu' && !h ? 'au centre' : v + h;
}

function render(answer, what) {
  current = answer;
  const report = answer.report;
  const findings = report.findings;
  const doc = answer.document;
  const pages = new Map(answer.page_images.map((p) => [p.number, p]));
  const marksByFinding = new Map();
  for (const mark of answer.marks) {
    if (!marksByFinding.has(mark.finding)) marksByFinding.set(mark.finding, []);
    marksByFinding.get(mark.finding).push(mark);
  }

  $('checked-what').textContent = `Document vérifié : ${what}` + (doc.format === 'pdf' && doc.page_starts.length
    ? ` (PDF, ${plural(doc.page_starts.length, 'page', 'pages')}).` : '.');
  const counts = report.stats.findings;
  const summary = $('summary');
  if (!findings.length) {
    summary.append(el('span', {class: 'fr-badge fr-badge--success', text: 'Aucune incohérence détectée'}));
  } else {
    summary.append(el('span', {text: plural(findings.length, 'constat', 'constats') + ' : '}));
    for (const severity of ORDER) {
      if (!counts[severity]) continue;
      const word = {error: ['erreur', 'erreurs'], warning: ['avertissement', 'avertissements'],
        info: ['information', 'informations']}[severity];
      summary.append(el('span', {class: `fr-badge fr-badge--sm fr-badge--${severity}`,
        text: plural(counts[severity], word[0], word[1])}));
    }
  }
  // The rules that did not run, grouped by reason, with what to install (issue 23, item 6).
  const skipped = report.stats.skipped || [];
  if (skipped.length) {
    const groups = new Map();
    for (const s of skipped) {
      const key = `${s.reason_fr} ; ${s.hint_fr}`;
      if (!groups.has(key)) groups.set(key, {reason: s.reason_fr, hint: s.hint_fr, rules: []});
      groups.get(key).rules.push(s.rule);
    }
    const said = [...groups.values()].map((g) => `${g.rules.join(', ')} (${g.reason}${g.hint ? ' ; ' + g.hint : ''})`);
    summary.append(el('br'), el('span', {class: 'fr-text--sm fc-where', id: 'skipped-rules',
      text: `Règles non lancées : ${said.join(' ; ')}.`}));
  }

  // Rule filter: the French titles, ids second.
  const ruleSelect = $('filter-rule');
  for (const id of [...new Set(findings.map((f) => f.rule))].sort()) {
    const title = answer.rules[id];
    ruleSelect.append(el('option', {value: id, text: title ? `${title} (${id})` : id}));
  }

  drawDocument(doc, findings, answer.marks);
  drawFindings(findings, marksByFinding, pages, answer.rules, doc);

  const json = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], {type: 'application/json'}));
  const html = URL.createObjectURL(new Blob([answer.html], {type: 'text/html'}));
  blobs = [json, html];
  $('dl-json').href = json;
  $('dl-html').href = html;
  result.hidden = false;
  applyFilters();
  result.focus({preventScroll: true});
  result.scrollIntoView({block: 'start'});
}

function drawDocument(doc, findings, marks) {
  const box = $('doc');
  const cuts = new Set([0, doc.text.length]);
  for (const mark of marks) { cuts.add(mark.start); cuts.add(mark.end); }
  for (const start of doc.page_starts) cuts.add(start);
  const points = [...cuts].filter((c) => c >= 0 && c <= doc.text.length).sort((a, b) => a - b);
  const pageAt = new Map(doc.page_starts.map((start, i) => [start, i + 1]));
  const nodes = [];
  for (let k = 0; k < points.length; k++) {
    const start = points[k];
    if (pageAt.has(start)) nodes.push(el('span', {class: 'fc-page-label', text: `Page ${pageAt.get(start)}`}));
    if (k + 1 >= points.length) break;
    const end = points[k + 1];
    const piece = doc.text.slice(start, end);
    const covering = marks.filter((m) => m.start <= start && end <= m.end);
    const here = [...new Set(covering.map((m) => m.finding))];
    if (!here.length) { nodes.push(document.createTextNode(piece)); continue; }
    const worst = ORDER.find((s) => here.some((i) => findings[i].severity === s));
    const first = here[0];
    const link = el('a', {
      class: `fc-mark fc-mark--${worst}`, href: `#constat-${first}`, 'data-findings': here.join(' '),
      'data-places': covering.map((m) => `${m.finding}.${m.evidence}`).join(' '),
      'aria-describedby': here.map((i) => `message-${i}`).join(' '),
    }, el('span', {class: `fc-mark__icon ${ICONS[worst]} fr-icon--sm`, 'aria-hidden': 'true'}),
    el('span', {class: 'fr-sr-only', text: `${LABELS[worst]} : `}), piece);
    nodes.push(link);
  }
  box.replaceChildren(...nodes);
  const bubble = el('div', {class: 'fc-bubble', id: 'bubble', role: 'tooltip', hidden: true});
  box.append(bubble);
}

function evidenceItem(evidence, doc, pages) {
  const loc = evidence.location;
  const here = loc.path === doc.path;
  const source = here ? `Ce document, ${placeOf(loc, pages.get(loc.page))}`
    : `Autre publication : ${loc.path.split('/').pop()}, ${placeOf(loc, null)}`;
  return el('li', {class: here ? '' : 'fc-elsewhere'},
    el('blockquote', {}, el('p', {class: 'fr-mb-0', text: `« ${evidence.quote} »`})),
    el('span', {class: 'fc-source', text: source}));
}

function pageFigure(finding, index, doc, pages) {
  const located = finding.evidence.filter((e) => e.location.path === doc.path && e.location.page);
  if (!located.length) return null;
  const number = located[0].location.page;
  const page = pages.get(number);
  if (!page) {
    return el('p', {class: 'fc-where', text: `Page ${number} (image de la page non incluse dans la réponse).`});
  }
  const frame = el('div', {class: 'fc-page-frame'},
    el('img', {src: page.image, width: Math.round(page.width), height: Math.round(page.height),
      alt: `Page ${number} du document, le passage du constat encadré`}));
  for (const e of located.filter((x) => x.location.page === number && x.location.bbox)) {
    const [x0, top, x1, bottom] = e.location.bbox;
    const style = `left:${(100 * x0 / page.width).toFixed(2)}%;top:${(100 * top / page.height).toFixed(2)}%;`
      + `width:${(100 * (x1 - x0) / page.width).toFixed(2)}%;height:${(100 * (bottom - top) / page.height).toFixed(2)}%`;
    frame.append(el('div', {class: 'fc-box', style, 'aria-hidden': 'true'}));
  }
  const box = located[0].location.bbox;
  const caption = `Page ${number}` + (box ? ` : le cadre entoure le passage, ${region(box, page)} de la page`
    + ` (x ${pointFr(box[0])}–${pointFr(box[2])}, y ${pointFr(box[1])}–${pointFr(box[3])} pt).` : '.');
  return el('figure', {class: 'fc-page', id: `page-${index}`}, frame, el('figcaption', {text: caption}));
}

function drawFindings(findings, marksByFinding, pages, titles, doc) {
  const box = $('findings');
  if (!findings.length) {
    box.replaceChildren(el('p', {class: 'fc-none', text: 'Aucune incohérence détectée.'}));
    return;
  }
  const parts = [];
  for (const severity of ORDER) {
    const indexes = findings.map((f, i) => i).filter((i) => findings[i].severity === severity);
    if (!indexes.length) continue;
    const titleId = `groupe-${severity}`;
    parts.push(el('h4', {class: 'fc-group-title', id: titleId, 'data-severity': severity},
      el('span', {class: `${ICONS[severity]} fr-icon--sm fr-mr-1w`, 'aria-hidden': 'true'}),
      `${GROUPS[severity]} (${indexes.length})`));
    const list = el('ul', {class: 'fc-group', 'aria-labelledby': titleId, 'data-severity': severity});
    for (const i of indexes) list.append(card(findings[i], i, marksByFinding, pages, titles, doc));
    parts.push(list);
  }
  box.replaceChildren(...parts);
}

function card(finding, i, marksByFinding, pages, titles, doc) {
  const first = finding.evidence[0];
  const inDoc = finding.evidence.find((e) => e.location.path === doc.path);
  const where = inDoc ? `Ici : ${placeOf(inDoc.location, pages.get(inDoc.location.page))}.` : 'Dans une autre publication.';
  const item = el('li', {class: `fc-finding fc-finding--${finding.severity}`, id: `constat-${i}`, tabindex: '-1',
    'data-severity': finding.severity, 'data-rule': finding.rule, 'data-index': i},
    el('p', {},
      el('span', {class: `fr-badge fr-badge--sm fr-badge--${finding.severity} fr-mr-1w`, text: LABELS[finding.severity]}),
      el('span', {class: 'fc-rule', text: titles[finding.rule] || finding.rule}), ' ',
      el('code', {class: 'fc-rule-id', text: finding.rule})),
    el('p', {id: `message-${i}`, class: 'fc-message', text: finding.message_fr}),
    finding.suggestion ? el('p', {class: 'fc-suggestion', text: `À faire : ${finding.suggestion}`}) : null,
    el('p', {class: 'fc-where', text: where}),
    el('ul', {class: 'fc-evidence', 'aria-label': 'Passages en cause'},
      ...finding.evidence.map((e) => evidenceItem(e, doc, pages))),
    first ? pageFigure(finding, i, doc, pages) : null);
  if (marksByFinding.has(i)) {
    const go = el('button', {type: 'button', class: 'fr-btn fr-btn--secondary fr-btn--sm fc-goto',
      'data-index': i, text: 'Voir dans le texte'});
    item.append(el('p', {class: 'fr-mb-0'}, go));
  } else {
    item.append(el('p', {class: 'fc-where fr-mb-0', text: "Ce constat n'a pas de place repérée dans le texte."}));
  }
  return item;
}

// ---- going from a finding to its place and back -----------------------------------------------

function clearCurrent() {
  for (const old of document.querySelectorAll('.fc-current')) old.classList.remove('fc-current');
}

function scrollWithin(container, target) {
  const top = target.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
  const height = target.getBoundingClientRect().height;
  const margin = Math.max(8, Math.min(container.clientHeight / 3, container.clientHeight - height - 8));
  container.scrollTop = Math.max(0, top - margin);
}

// A finding's place is its first evidence in this document (the others are marked too).
function placeSelector(i) {
  const own = current ? current.marks.filter((m) => m.finding === i).map((m) => m.evidence) : [];
  return own.length ? `#doc .fc-mark[data-places~="${i}.${Math.min(...own)}"]` : `#doc .fc-mark[data-findings~="${i}"]`;
}

function showPlace(i) {
  const mark = document.querySelector(placeSelector(i));
  if (!mark) return;
  clearCurrent();
  mark.classList.add('fc-current');
  mark.setAttribute('href', `#constat-${i}`);  // back goes to this finding, even where marks are shared
  const container = $('doc');
  container.scrollIntoView({block: 'nearest'});
  scrollWithin(container, mark);
  mark.focus({preventScroll: true});
}

function showFinding(i) {
  const item = $(`constat-${i}`);
  if (!item) return;
  clearCurrent();
  item.classList.add('fc-current');
  const container = $('findings');
  container.scrollIntoView({block: 'nearest'});
  scrollWithin(container, item);
  item.focus({preventScroll: true});
}

$('findings').addEventListener('click', (event) => {
  const go = event.target.closest('.fc-goto');
  if (go) showPlace(Number(go.dataset.index));
});

$('doc').addEventListener('click', (event) => {
  const mark = event.target.closest('.fc-mark');
  if (!mark) return;
  event.preventDefault();
  const visible = mark.dataset.findings.split(' ').map(Number).filter((i) => !$(`constat-${i}`).hidden);
  const wanted = Number(mark.getAttribute('href').slice('#constat-'.length));
  showFinding(visible.includes(wanted) ? wanted : visible[0]);
});

// The explanation on focus or hover, beside the mark.
function bubbleFor(mark) {
  const bubble = $('bubble');
  if (!bubble || !current) return;
  const findings = current.report.findings;
  const lines = mark.dataset.findings.split(' ').map(Number).filter((i) => !$(`constat-${i}`).hidden)
    .map((i) => `${LABELS[findings[i].severity]} : ${findings[i].message_fr}`);
  if (!lines.length) return;
  bubble.replaceChildren(...lines.map((line) => el('p', {class: 'fr-mb-1v', text: line})),
    el('p', {class: 'fr-mb-0 fc-where', text: 'Entrée ou clic : voir le constat.'}));
  const container = $('doc');
  bubble.hidden = false;
  const left = Math.min(mark.offsetLeft, Math.max(0, container.clientWidth - bubble.offsetWidth - 8));
  bubble.style.left = `${left}px`;
  bubble.style.top = `${mark.offsetTop + mark.offsetHeight + 4}px`;
  for (const i of mark.dataset.findings.split(' ')) $(`constat-${i}`).classList.add('fc-active');
}
function hideBubble() {
  const bubble = $('bubble');
  if (bubble) bubble.hidden = true;
  for (const item of document.querySelectorAll('.fc-active')) item.classList.remove('fc-active');
}
$('doc').addEventListener('focusin', (event) => { const m = event.target.closest('.fc-mark'); if (m) bubbleFor(m); });
$('doc').addEventListener('focusout', hideBubble);
$('doc').addEventListener('mouseover', (event) => { const m = event.target.closest('.fc-mark'); if (m) bubbleFor(m); });
$('doc').addEventListener('mouseout', (event) => { if (event.target.closest('.fc-mark')) hideBubble(); });
document.addEventListener('keydown', (event) => { if (event.key === 'Escape') hideBubble(); });

// ---- filters ------------------------------------------------------------------------------------

function applyFilters() {
  if (!current) return;
  const severity = $('filter-severity').value;
  const rule = $('filter-rule').value;
  const findings = current.report.findings;
  let shown = 0;
  for (const item of document.querySelectorAll('#findings .fc-finding')) {
    const ok = (!severity || item.dataset.severity === severity) && (!rule || item.dataset.rule === rule);
    item.hidden = !ok;
    if (ok) shown++;
  }
  for (const list of document.querySelectorAll('#findings .fc-group')) {
    const any = [...list.children].some((item) => !item.hidden);
    list.hidden = !any;
    list.previousElementSibling.hidden = !any;
  }
  for (const mark of document.querySelectorAll('#doc .fc-mark')) {
    const visible = mark.dataset.findings.split(' ').some((i) => !$(`constat-${i}`).hidden);
    mark.classList.toggle('fc-off', !visible);
    if (visible) mark.removeAttribute('tabindex'); else mark.setAttribute('tabindex', '-1');
  }
  $('shown').textContent = findings.length
    ? (shown === findings.length ? '' : `${plural(shown, 'constat affiché', 'constats affichés')} sur ${findings.length}.`)
    : '';
}
$('filter-severity').addEventListener('change', applyFilters);
$('filter-rule').addEventListener('change', applyFilters);

sayWhich();
