"""Links and downloads resolved in the site (issue 14, item 5): site/dead-link and site/download-size
on small Jekyll sites written here, and on the real snapshot when present (../shared/site)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import checks
from extractor.ingest import load
from extractor.models import Finding
from extractor.run.sitemap import SiteMap, gfm_id, key
from tests.test_site import make_site

CONFIG = """url: https://beta.gouv.fr
include: [_pages, _redirects]
collections_dir: content
collections:
  startups:
    output: true
    permalink: /startups/:title.html
  fasts:
    output: true
    permalink: /fast/lauréats/:title.html
  authors:
"""
PAGES = {
    "_config.yml": CONFIG,
    "_redirects": "# anciens liens\n/guide.pdf /content/docs/guide.pdf\n/startup/*  /startups/:splat\n",
    "_pages/contact.md": "---\npermalink: /contact/\nredirect_from:\n  - /postuler/\n---\n"
    "# Nous contacter\n\n## Proposer une idée\n\nTexte.\n\n## Proposer une idée\n\nEncore.\n",
    "_pages/manifeste.md": '---\npermalink: /manifeste\n---\n<h2 id="nos-valeurs">Valeurs</h2>\n',
    "content/_startups/tchap.md": "---\ntitle: Tchap\nredirect_from:\n  - /startups/tchap.ancien.html\n---\nTexte.\n",
    "content/_fasts/05_fast.md": "---\ntitle: FAST 5\n---\nTexte.\n",
    "content/_authors/jean.md": "---\ntitle: Jean\n---\nTexte.\n",
    "content/docs/guide.pdf": "x" * 604_580,
    "content/docs/petit.pdf": "x" * 2_048,
    "img/logo.png": "",
}


def site_tree(root: Path, extra: dict[str, str] | None = None) -> Path:
    for path, text in {**PAGES, **(extra or {})}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def findings(root: Path, text: str, name: str = "_pages/bilan.md", rule: str = "site/") -> list[Finding]:
    """The site rules' findings on a page `name` of the site at `root` holding `text`."""
    page = root / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
    ctx = checks.Context(site=SiteMap.build(root))
    return checks.run(load(str(page)), ctx, only=[rule])


def dead(root: Path, text: str, name: str = "_pages/bilan.md") -> list[str]:
    return [f.message_fr for f in findings(root, text, name, "site/dead-link")]


def test_the_map_lists_what_jekyll_serves(tmp_path: Path) -> None:
    site = SiteMap.build(site_tree(tmp_path))
    assert site.resolve("/contact") is not None and site.resolve("/contact/index.html") is not None
    assert site.resolve("/manifeste.html") is not None and site.resolve("/manifeste/") is not None
    assert site.resolve("/startups/tchap.html").source == "content/_startups/tchap.md"  # type: ignore[union-attr]
    assert site.resolve("/fast/laur%C3%A9ats/05_fast.html") is not None  # percent-encoded accent
    assert site.resolve("/fast/lauréats/05_fast") is not None  # .html optional
    assert site.resolve("/content/docs/guide.pdf").static  # type: ignore[union-attr]
    assert site.resolve("/authors/jean.html") is None  # a collection without output
    assert site.resolve("/content/_authors/jean.md") is None
    assert site.resolve("/_pages/contact.html") is None  # a page with a permalink is served there only
    assert site.uncertain("/startup/tchap") and not site.uncertain("/startups/tchap")
    assert key("/fast/laur%C3%A9ats/") == "/fast/lauréats" and key("/a/index.html") == "/a"
    assert site.url_of(tmp_path / "_pages" / "contact.md") == "/contact"


def test_gfm_ids_as_kramdown_writes_them() -> None:
    assert gfm_id("Méthodologie d'évaluation manuelle rapide") == "méthodologie-dévaluation-manuelle-rapide"
    assert gfm_id("Plan 2026 : les étapes") == "plan-2026--les-étapes"


def test_a_dead_link_with_its_closest_target(tmp_path: Path) -> None:
    root = site_tree(tmp_path)
    (found,) = findings(root, "Voir [le guide](/content/docs/guidee.pdf).\n", rule="site/dead-link")
    assert found.variant == "closest"
    assert (found.arguments["link"], found.arguments["closest"]) == (
        "/content/docs/guidee.pdf",
        "/content/docs/guide.pdf",
    )
    (found,) = findings(
        root, "Voir [la fiche](https://beta.gouv.fr/fast/lauréats/05-fast.html).\n", rule="site/dead-link"
    )
    assert found.arguments["closest"] == "/fast/lauréats/05_fast.html"
    (message,) = dead(root, "Voir [Jean](/authors/jean.html).\n")
    assert message == "Le lien /authors/jean.html ne mène à aucune page ni aucun fichier du site (ni redirection)."


@pytest.mark.parametrize(
    "href",
    [
        "/postuler/",  # redirect_from of a page
        "/postuler",
        "/startups/tchap.ancien.html",  # redirect_from of a collection document
        "/guide.pdf",  # _redirects
        "/startup/ancienne-fiche",  # a _redirects splat
        "/contact",  # a permalink, without its trailing slash
        "https://beta.gouv.fr/contact/index.html",
        "/manifeste",
        "/MANIFESTE",  # only the case differs: servers differ, nothing said
        "/fast/laur%C3%A9ats/05_fast.html",
        "/img/logo.png",  # an empty file is a file
        "https://autre.gouv.fr/nulle-part",  # another site
        "page-relative.html",  # relative: depends on the page's URL, not checked
        "/contact/#proposer-une-idée",
        "/contact#proposer-une-id%C3%A9e-1",  # the second heading of that name
        "/manifeste#nos-valeurs",  # an HTML id
    ],
)
def test_links_the_site_serves_are_silent(tmp_path: Path, href: str) -> None:
    assert dead(site_tree(tmp_path), f"Voir [ici]({href}).\n") == []


def test_an_anchor_the_page_does_not_have(tmp_path: Path) -> None:
    root = site_tree(tmp_path)
    (found,) = findings(root, "Voir [ici](/contact#proposer-une-idee).\n", rule="site/dead-link")
    assert found.severity.value == "warning" and "« #proposer-une-idée »" in found.message_fr
    # The page's own anchors.
    text = (
        "---\ntitle: Bilan\npermalink: /bilan/\n---\n# Bilan\n\n## Les chiffres\n\n"
        "[plus bas](#les-chiffres), [ailleurs](#absent).\n"
    )
    assert [m for m in dead(root, text) if "#absent" in m] and not [m for m in dead(root, text) if "chiffres" in m]


def test_liquid_ids_make_anchors_unknown(tmp_path: Path) -> None:
    extra = {
        "_layouts/page.html": "<nav>{% include menu.html %}</nav>{{ content }}",
        "_includes/menu.html": '<a id="menu-{{ item.label | slugify }}">x</a><div id="{{ section }}"></div>',
        "_pages/liste.md": "---\nlayout: page\npermalink: /liste/\n---\nTexte.\n",
    }
    assert dead(site_tree(tmp_path, extra), "Voir [ici](/liste/#nimporte-quoi).\n") == []


def test_a_startup_link_unknown_to_the_registry_is_left_to_unknown_slug(tmp_path: Path) -> None:
    from extractor.reference.models import Entity
    from extractor.reference.store import Registry

    root = site_tree(tmp_path)
    page = root / "_pages" / "bilan.md"
    page.write_text("Voir [Itou](/startups/itou.html).\n", encoding="utf-8")
    tchap = Entity(id="startup:tchap", kind="startup", slug="tchap", name="Tchap", source_path="_startups/tchap.md")
    ctx = checks.Context(site=SiteMap.build(root), registry=Registry([tchap]))
    rules = [f.rule for f in checks.run(load(str(page)), ctx, only=["site/dead-link", "reference/unknown-slug"])]
    assert rules == ["reference/unknown-slug"]
    # Without a registry, the site rule tells it.
    assert dead(root, "Voir [Itou](/startups/itou.html).\n")


def test_no_site_no_finding(tmp_path: Path) -> None:
    page = tmp_path / "bilan.md"
    page.write_text("Voir [le guide](/content/docs/guidee.pdf) (PDF, 3 Mo).\n", encoding="utf-8")
    assert checks.run(load(str(page)), checks.Context(), only=["site/"]) == []


def sizes(root: Path, stated: str, href: str = "/content/docs/guide.pdf") -> list[str]:
    text = f"[Télécharger le bilan]({href}) (PDF – {stated})\n"
    return [f.message_fr for f in findings(root, text, rule="site/download-size")]


@pytest.mark.parametrize(
    "stated",
    [
        "604,58 KB",  # 604 580 bytes in base 1000
        "590,41 Kio",  # base 1024: 590,41015…
        "590,4 KB",  # base 1024, one decimal
        "605 Ko",
        "0,6 Mo",
        "604 580 octets",
    ],
)
def test_a_right_size_in_either_convention(tmp_path: Path, stated: str) -> None:
    assert sizes(site_tree(tmp_path), stated) == []


@pytest.mark.parametrize("stated", ["700 KB", "520 Ko", "0,3 Mo", "2 Mo", "6 Mo", "60 Ko", "1 234 octets"])
def test_a_wrong_size(tmp_path: Path, stated: str) -> None:
    (message,) = sizes(site_tree(tmp_path), stated)
    assert stated in message and "604580 octets" in message and "/content/docs/guide.pdf" in message


@pytest.mark.parametrize("stated", ["604,57 KB", "590,42 KB", "606 Ko", "591 Ko", "620 Ko", "560 Ko", "0,64 Mo"])
def test_a_size_a_few_percent_off_is_a_re_export(tmp_path: Path, stated: str) -> None:
    """Issue 27, cause 12: a few percent from the file's size (a PDF saved again) misleads no
    reader; up to 10 % of the file's size, beyond the rounding, is silent."""
    assert sizes(site_tree(tmp_path), stated) == []


@pytest.mark.parametrize(
    ("size", "silent"), [(100_000, True), (90_460, True), (90_450, False), (114_340, True), (114_350, False)]
)
def test_the_tolerance_boundary(tmp_path: Path, size: int, silent: bool) -> None:
    """ "100 Ko" holds while it is within 10 % of the file's size plus half a unit of its last
    digit, in base 1000 or 1024: from 90 455 bytes (base 1000) to 114 346 bytes (base 1024)."""
    root = site_tree(tmp_path, {"content/docs/guide.pdf": "x" * size})
    assert (sizes(root, "100 Ko") == []) is silent


def test_sizes_inside_the_link_and_in_base_1024(tmp_path: Path) -> None:
    root = site_tree(tmp_path)
    text = (
        "[Télécharger la note (PDF, 2 Ko)](/content/docs/petit.pdf), [le guide](/content/docs/guide.pdf) (PDF, 3 Mo)\n"
    )
    (message,) = [f.message_fr for f in findings(root, text, rule="site/download-size")]
    assert "3 Mo" in message and "guide.pdf" in message  # 2 048 bytes are 2 Ko in base 1024


def test_an_empty_file_is_not_checked(tmp_path: Path) -> None:
    assert sizes(site_tree(tmp_path), "35 Ko", href="/img/logo.png") == []


def test_a_size_far_from_any_link_is_not_read(tmp_path: Path) -> None:
    root = site_tree(tmp_path)
    text = "[Le guide](/content/docs/guide.pdf) est lu par beaucoup, " + "très " * 20 + "et pèse 3 Mo selon nous.\n"
    assert [f for f in findings(root, text, rule="site/download-size")] == []


def test_a_site_run_reports_a_dead_link(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "_pages" / "bilan.md").write_text("---\ntitle: Bilan\n---\nVoir [le bilan](/content/docs/bilan.pdf).\n")
    done = subprocess.run([sys.executable, "-m", "extractor", "check", str(site), "-f", "json", "-r", "site/"],
                          cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    report = json.loads(done.stdout)
    assert [f["rule"] for f in report["findings"] if f["rule"] != "site/unread-file"] == ["site/dead-link"]


SNAPSHOT = Path(__file__).resolve().parents[2] / "shared" / "site"


@pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="no snapshot of the site (../shared/site)")
def test_the_real_site_map() -> None:
    site = SiteMap.build(SNAPSHOT)
    assert site.resolve("/fast/laur%C3%A9ats") is not None  # _pages/fast/lauréats.md's permalink
    assert site.resolve("/incubateurs/apigouv") is not None  # a redirect_from of an incubator
    assert site.resolve("/startups/itou.html") is None and site.resolve("/incubateurs/preincubation.html") is None
    assert site.uncertain("/api/v3/startups/tchap.json")  # written by a generator of _plugins/
    investigation = site.resolve("/approche/investigation")
    assert investigation is not None and site.anchors(investigation) is not None


# --- issue 27, class 5: anchors a layout writes from a collection ---------------------------------

PHASES_SITE = {
    "_config.yml": CONFIG + "  phases:\n  incubators:\n    output: true\n    permalink: /incubateurs/:title.html\n",
    "content/_phases/acceleration.md": "---\nstatus: acceleration\norder: 2\n---\n",
    "content/_phases/transfere.md": "---\nstatus: transfere\norder: 3\n---\n",
    "content/_incubators/dinum.md": "---\ntitle: DINUM\n---\n",
    "_plugins/incubators.rb": "site.data['all_incubators'] = site.collections['incubators'].docs.dup\n",
    "_layouts/startups.html": (
        "{% assign phases = site.phases | sort: 'order' %}{% assign incubators = site.data.all_incubators %}\n"
        "{% for incubator in incubators %}{% assign incubator_id = incubator.id | remove: '/incubateurs/' %}"
        '<section id="{{ incubator_id }}"></section>{% endfor %}\n'
        "{% for startup in site.startups %}{% for phase in startup.phases %}{{ phase.name }}{% endfor %}{% endfor %}"
        '{% for phase in phases %}<div id="{{ phase.status }}"></div>{% endfor %}\n'
        '{% for phase in phases %}<div id="liste-{{ phase.status | downcase }}"></div>{% endfor %}\n'
    ),
    "_pages/startups.md": "---\nlayout: startups\npermalink: /startups/\n---\n",
}


@pytest.mark.parametrize(
    ("href", "anchor"),
    [
        ("https://beta.gouv.fr/startups/#success", "success"),
        ("/startups/#alumni", "alumni"),
        ("/startups#liste-succes", "liste-succes"),
        ("/startups/#beta", "beta"),
    ],
)
def test_an_anchor_a_layout_writes_from_a_collection_is_known(tmp_path: Path, href: str, anchor: str) -> None:
    (message,) = dead(site_tree(tmp_path, PHASES_SITE), f"Voir la section [Nos réalisations]({href}).\n")
    assert f"« #{anchor} »" in message and "/startups/" in message


@pytest.mark.parametrize(
    "href", ["/startups/#acceleration", "/startups/#transfere", "/startups/#dinum", "/startups/#liste-transfere"]
)
def test_the_anchors_a_layout_writes_from_a_collection_are_served(tmp_path: Path, href: str) -> None:
    assert dead(site_tree(tmp_path, PHASES_SITE), f"Voir [la liste]({href}).\n") == []


@pytest.mark.parametrize(
    "layout",
    [
        '{% for phase in page.phases %}<div id="{{ phase.status }}"></div>{% endfor %}',  # the page's own list
        '{% for phase in site.phases %}<div id="{{ phase.status | slugify }}"></div>{% endfor %}',  # a filter
        '<div id="{{ section }}"></div>',  # a variable set nowhere here
        '{% for phase in site.unknown %}<div id="{{ phase.status }}"></div>{% endfor %}',  # no such collection
        '{% for item in site.data.menu %}<div id="{{ item.id }}"></div>{% endfor %}',  # a data file
    ],
)
def test_anchors_a_layout_writes_from_what_cannot_be_read_stay_unknown(tmp_path: Path, layout: str) -> None:
    root = site_tree(tmp_path, {**PHASES_SITE, "_layouts/startups.html": layout})
    assert dead(root, "Voir [la liste](/startups/#success).\n") == []


@pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="../shared/site is not here")
def test_the_real_startups_page_has_no_success_section() -> None:
    """_pages/programme/transfert.md links to /startups/#success and #alumni: the page's layout
    writes one section per phase of content/_phases and per incubator, none of these names."""
    site = SiteMap.build(SNAPSHOT)
    startups = site.resolve("/startups/")
    assert startups is not None
    anchors = site.anchors(startups)
    assert anchors is not None
    assert anchors.may_have("acceleration") and anchors.may_have("transfere") and anchors.may_have("dinum")
    assert not anchors.may_have("success") and not anchors.may_have("alumni")
    page = load(str(SNAPSHOT / "_pages" / "programme" / "transfert.md"))
    found = checks.run(page, checks.Context(site=site), only=["site/dead-link"])
    assert {f.arguments["anchor"] for f in found} >= {"success", "alumni"}


def test_an_anchor_from_a_field_some_documents_lack_stays_unknown(tmp_path: Path) -> None:
    extra = {**PHASES_SITE, "content/_phases/sans-statut.md": "---\norder: 9\n---\n"}
    assert dead(site_tree(tmp_path, extra), "Voir [la liste](/startups/#success).\n") == []
