"""`check --format html`: one self-contained page an editor can open and share.

The page shows each document's text block by block, with every claim and named service
highlighted and every finding anchored at its block; a findings list, filterable by severity and
rule, links to those anchors and shows the evidence side by side. Everything from the documents is
escaped; the page makes no external request (inline CSS, a few lines of inline script for the
filters and for the findings' links, which must also work in the web page's srcdoc frame). This
module decides nothing: it lays out what the report and the extraction say.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from extractor import checks
from extractor.models import Block, BlockKind, Claim, Document, EntityMention, Finding, Location, Report
from extractor.report.text import plural

# No request leaves the page: everything is inline.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
LABELS = {"error": "Erreur", "warning": "Avertissement", "info": "Info"}
CSS = """
:root { color-scheme: light; --error: #b3001b; --warning: #8a5300; --info: #1a4f8b; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #161616; background: #fff; }
header, main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; }
.summary { font-weight: 600; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.filters label { display: flex; flex-direction: column; font-size: .9rem; }
select, a:focus, li:focus, .block:focus { outline-offset: 2px; }
a:focus-visible, select:focus-visible, .block:focus-visible { outline: 3px solid #000091; }
.finding { border-left: 6px solid; padding: .5rem 1rem; margin: .75rem 0; background: #f6f6f6; list-style: none; }
.finding.error { border-color: var(--error); } .finding.warning { border-color: var(--warning); }
.finding.info { border-color: var(--info); }
.badge { font-weight: 700; } .error .badge { color: var(--error); } .warning .badge { color: var(--warning); }
.info .badge { color: var(--info); }
.evidence { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .5rem; padding: 0; }
.evidence li { list-style: none; background: #fff; border: 1px solid #ccc; padding: .5rem; }
.where { font-family: ui-monospace, monospace; font-size: .85rem; color: #3a3a3a; }
.document { border-top: 2px solid #000091; margin-top: 2rem; }
.block { padding: .25rem .5rem; margin: .25rem 0; border-radius: 4px; }
.block.has-finding { background: #fff4d6; box-shadow: inset 4px 0 0 var(--warning); }
.block.has-finding.error { background: #ffe3e6; box-shadow: inset 4px 0 0 var(--error); }
.block:target, .block.current { outline: 3px solid #000091; }
.kind { font-size: .75rem; color: #3a3a3a; margin-right: .5rem; }
.page-label { font-weight: 700; color: #3a3a3a; border-top: 1px solid #ccc; margin-top: 1.5rem; padding-top: .5rem; }
mark.claim { background: #dbe8ff; color: inherit; }
mark.entity { background: #d7f5df; color: inherit; }
.hidden { display: none; }
"""
SCRIPT = """
const severity = document.getElementById('filter-severity');
const rule = document.getElementById('filter-rule');
function apply() {
  for (const item of document.querySelectorAll('li.finding')) {
    const ok = (!severity.value || item.dataset.severity === severity.value)
      && (!rule.value || item.dataset.rule === rule.value);
    item.classList.toggle('hidden', !ok);
  }
}
severity.addEventListener('change', apply);
rule.addEventListener('change', apply);
// A finding's link leads to its block. Where the page is its own document (a file, a download) the
// browser follows the fragment link; in the web page's frame (srcdoc) "#f-..." resolves against
// the parent page's address and would load that page into the frame: there the script scrolls.
function show(id) {
  const target = id && document.getElementById(id);
  if (!target) return null;
  const block = target.closest('.block') || target;
  for (const old of document.querySelectorAll('.block.current')) old.classList.remove('current');
  block.classList.add('current');
  return block;
}
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#"]');
  if (!link || event.defaultPrevented || event.button !== 0) return;
  const elsewhere = link.href.split('#')[0] !== location.href.split('#')[0];
  if (elsewhere) event.preventDefault();
  const id = link.getAttribute('href').slice(1);
  const block = show(id);
  if (!block) return;
  document.getElementById(id).scrollIntoView({block: 'start'});
  block.focus({preventScroll: true});
});
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
show(location.hash.slice(1));
"""


def _anchor(finding: Finding) -> str:
    return f"f-{finding.fingerprint}"


def _marked(block: Block, claims: list[Claim], entities: list[EntityMention]) -> str:
    """The block's text, escaped, with its claims and entity mentions wrapped in <mark>."""
    spans = [(c.start, c.end, "claim", f"{c.metric_id or c.metric_text} · {c.period or ''}") for c in claims]
    spans += [(e.start or 0, e.end or 0, "entity", e.entity_id or e.label) for e in entities if e.start is not None]
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, pos = [], 0
    for start, end, kind, title in spans:
        if start < pos or end <= start:
            continue  # overlapping spans: the first one wins
        out.append(escape(block.text[pos:start]))
        out.append(f'<mark class="{kind}" title="{escape(title)}">{escape(block.text[start:end])}</mark>')
        pos = end
    out.append(escape(block.text[pos:]))
    return "".join(out)


def _document(doc: Document, findings: list[Finding], claims: list[Claim], entities: list[EntityMention]) -> str:
    by_block_claims: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_block_claims[claim.block].append(claim)
    by_block_entities: dict[int, list[EntityMention]] = defaultdict(list)
    for mention in entities:
        if mention.block is not None:
            by_block_entities[mention.block].append(mention)
    anchored: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        first = finding.evidence[0].location if finding.evidence else None
        if first is None:
            continue
        covering = [
            b
            for b in doc.blocks
            if b.location.page == first.page and b.location.line <= first.line <= b.location.end_line
        ]
        # Several blocks share a line in a table row: the one that starts last before the column.
        before = [b for b in covering if (b.location.line, b.location.column) <= (first.line, first.column)]
        block = max(before, key=lambda b: (b.location.line, b.location.column), default=None) or (
            covering[0] if covering else None
        )
        if block is not None:
            anchored[block.id].append(finding)
    rows = []
    page: int | None = None
    for block in doc.blocks:
        if block.location.page is not None and block.location.page != page:
            page = block.location.page  # a PDF: say where each page begins
            rows.append(f'<p class="page-label">Page {page}</p>')
        here = anchored.get(block.id, [])
        classes = ["block"]
        ids = ""
        if here:
            classes += ["has-finding", "error" if any(f.severity == "error" for f in here) else "warning"]
            ids = f' id="{_anchor(here[0])}"'
            extra = "".join(f'<span id="{_anchor(f)}"></span>' for f in here[1:])
        else:
            extra = ""
        tag = "h3" if block.kind == BlockKind.heading else "p"
        kind = {"list_item": "liste", "table_cell": "tableau", "front_matter": "métadonnée"}.get(block.kind.value, "")
        label = f'<span class="kind">{kind}</span>' if kind else ""
        rows.append(
            f'<{tag} class="{" ".join(classes)}"{ids} tabindex="-1">{extra}{label}'
            f"{_marked(block, by_block_claims.get(block.id, []), by_block_entities.get(block.id, []))}</{tag}>"
        )
    return (
        f'<section class="document" aria-labelledby="doc-{escape(doc.id)}">'
        f'<h2 id="doc-{escape(doc.id)}">{escape(doc.path)}</h2>{"".join(rows)}</section>'
    )


def _place(loc: Location) -> str:
    """`path:line:column`, or for a PDF `path, page N, ligne L de la page, cadre …`."""
    return f"{loc.path}, {loc.place_fr()}" if loc.page else f"{loc.path}:{loc.line}:{loc.column}"


def _finding(finding: Finding) -> str:
    evidence = "".join(
        f'<li><span class="where">{escape(_place(e.location))}</span><br>« {escape(e.quote)} »</li>'
        for e in finding.evidence
    )
    suggestion = f"<p>→ {escape(finding.suggestion)}</p>" if finding.suggestion else ""
    first = finding.evidence[0].location if finding.evidence else None
    page = f' <span class="where">(page {first.page})</span>' if first and first.page else ""
    return (
        f'<li class="finding {finding.severity.value}" data-severity="{finding.severity.value}" '
        f'data-rule="{escape(finding.rule)}"><p><span class="badge">{LABELS[finding.severity.value]}</span> '
        f'<code>{escape(finding.rule)}</code> — <a href="#{_anchor(finding)}">{escape(finding.message_fr)}</a>'
        f"{page}</p>"
        f'{suggestion}<ul class="evidence" aria-label="Preuves">{evidence}</ul></li>'
    )


def render(report: Report) -> str:
    """The page of a report checked with `details` (pipeline.check_paths): its documents' text with
    their claims and names highlighted, and the findings."""
    documents = [(d.document, d.claims, d.entities) for d in report.details]
    counts = report.stats.findings
    total = sum(counts.values())
    summary = (
        "Aucune incohérence détectée"
        if total == 0
        else f"{plural(total, 'constat')} : {plural(counts['error'], 'erreur')}, "
        f"{plural(counts['warning'], 'avertissement')}, {plural(counts['info'], 'info')}"
    )
    from extractor.report.skipped import line_fr

    skipped = line_fr(report)  # the rules that did not run, why, and what to install
    said = f'<p class="skipped">{escape(skipped)}</p>' if skipped else ""
    catalogue = checks.catalogue()
    titles = {r: catalogue[r].title_fr if r in catalogue else r for r in {f.rule for f in report.findings}}
    rules = sorted(titles, key=lambda r: titles[r].casefold())
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.evidence:
            by_path[finding.evidence[0].location.path].append(finding)
    options = "".join(f'<option value="{escape(r)}" title="{escape(r)}">{escape(titles[r])}</option>' for r in rules)
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>Rapport factcheck</title>
<style>{CSS}</style>
</head>
<body>
<header><h1>Rapport de vérification</h1><p class="summary" role="status">{escape(summary)}</p>{said}</header>
<main>
<section aria-labelledby="findings-title">
<h2 id="findings-title">Constats</h2>
<div class="filters">
<label for="filter-severity">Sévérité<select id="filter-severity"><option value="">toutes</option>
<option value="error">erreurs</option><option value="warning">avertissements</option><option value="info">infos</option>
</select></label>
<label for="filter-rule">Règle<select id="filter-rule"><option value="">toutes</option>{options}</select></label>
</div>
<ul class="findings">{"".join(_finding(f) for f in report.findings)}</ul>
</section>
<section aria-labelledby="documents-title">
<h2 id="documents-title">Documents</h2>
{"".join(_document(doc, by_path.get(doc.path, []), claims, entities) for doc, claims, entities in documents)}
</section>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
