"""The reference registry: import of the beta.gouv.fr layout, the SQLite store and its lookups,
and `factcheck reference import-betagouv`.

Tests on the real registry read ../shared/reference/betagouv and skip when it is absent; the
malformed entries are synthetic files written in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from extractor.errors import InputError
from extractor.profiles.betagouv.registry import (
    derive_aliases,
    import_betagouv,
    parse_amount,
    parse_promotion,
    read_betagouv,
)
from extractor.reference.cli import reference_app
from extractor.reference.models import Entity, ImportReport
from extractor.reference.names import normalise_name
from extractor.reference.store import NO_REGISTRY_FR, Registry, import_into, load_registry
from tests.conftest import REFERENCE, need

# --- the real registry ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Registry]:
    root = need(REFERENCE)
    db = tmp_path_factory.mktemp("reference") / "reference.sqlite"
    report = import_betagouv(root, db)
    print(
        f"\nimport of {root}: {report.counts['startup']} startups, {report.counts['incubator']} incubators, "
        f"{report.counts['organisation']} organisations in {report.seconds:.3f} s"
    )
    registry = load_registry(db)
    assert registry is not None
    return report, registry


def test_imports_every_startup_incubator_and_organisation(imported: tuple[ImportReport, Registry]) -> None:
    report, registry = imported
    assert report.counts["startup"] >= 660
    assert report.counts["incubator"] >= 20
    assert report.counts["organisation"] >= 140
    assert len(registry.of_kind("startup")) == report.counts["startup"]
    assert len(registry) == report.counts["startup"] + report.counts["incubator"] + report.counts["organisation"]
    # organisation files without an extension are entries too
    assert registry.by_slug("idfm", "organisations") is not None
    assert registry.by_slug("Préfecture", "organisations") is not None
    assert registry.by_slug("Pr%C3%A9fecture", "organisations") is not None
    assert registry.get("organisation:idfm") is not None
    assert registry.meta["count_startup"] == str(report.counts["startup"])


def test_problems_of_the_real_registry_are_reported_not_fatal(imported: tuple[ImportReport, Registry]) -> None:
    report, registry = imported
    for problem in report.skipped + report.warnings:
        print(f"{problem.path}: {problem.reason_fr}")
        assert problem.path and problem.reason_fr
    # /startups/friches is a redirect of two startups: the first keeps it, the second is reported
    assert any(w.path == "_startups/urbanvitaliz.md" and "friches" in w.reason_fr for w in report.warnings)
    assert registry.by_slug("friches") == registry.get("startup:recommandations-collaboratives")
    assert registry.get("startup:urbanvitaliz") is not None


def test_redirect_from_slugs_resolve_to_the_current_entity(imported: tuple[ImportReport, Registry]) -> None:
    _, registry = imported
    entity = registry.by_slug("lapins")
    assert entity is not None
    assert entity.id == "startup:rdv-service-public"
    assert entity.name == "RDV Service Public"
    assert registry.by_slug("/startups/lapins.html") == entity
    assert registry.by_slug("rdv-services-publics") == entity
    assert registry.by_slug("rdv-service-public") == entity
    assert {(a.name, a.kind) for a in entity.aliases} >= {("lapins", "former_slug")}
    assert registry.by_name("RDV Services Publics") == [entity]  # a former slug, as a name
    assert registry.by_name("lapins", kinds=("title", "short", "former", "acronym")) == []
    assert "lapins" in registry.slugs("startups")
    assert "lapins" not in registry.slugs("startups", current_only=True)
    assert registry.by_slug("refugies.infos") is None
    assert registry.by_slug("refugies.info") is not None
    # an incubator's redirects, in its own section and in /startups/
    assert registry.by_slug("apigouv", "incubateurs") == registry.get("incubator:dinum_produits_interministeriels")
    assert registry.by_slug("apprentissage") == registry.get("incubator:mission-apprentissage")


def test_fast_field_and_fast_events_are_kept_apart(imported: tuple[ImportReport, Registry]) -> None:
    _, registry = imported
    entity = registry.get("startup:territoires-en-transitions")
    assert entity is not None
    rows = sorted((f.source, f.round, f.amount) for f in entity.awards)
    assert rows == [("event", 14, 150000), ("field", 14, 300000)]  # the registry contradicts itself
    event = next(f for f in entity.awards if f.source == "event")
    assert event.date == dt.date(2024, 1, 1)
    assert event.comment == "Montant de 150000€ pour la promotion 14"
    # history: an older award without a promotion, then the latest one
    homologation = registry.get("startup:homologation")
    assert homologation is not None
    assert [(f.source, f.round, f.amount) for f in homologation.awards] == [
        ("field", 14, 141000),
        ("event", None, 370000),
        ("event", 14, 141000),
    ]
    envergo = registry.get("startup:envergo")  # "Montant de 200 000€" with a non-breaking space
    assert envergo is not None
    assert {(f.source, f.amount) for f in envergo.awards} == {("field", 200000), ("event", 200000)}
    assert {f.grant for f in envergo.awards} == {"fast"}
    promotion_14 = registry.awards("fast", 14)
    assert ("startup:territoires-en-transitions", 150000) in {(e.id, f.amount) for e, f in promotion_14}
    assert all(f.round == 14 for _, f in promotion_14)


def test_incubator_sponsors_phases_and_national_impact(imported: tuple[ImportReport, Registry]) -> None:
    _, registry = imported
    entity = registry.get("startup:rdv-service-public")
    assert entity is not None
    assert entity.host == "incubator:dinum_produits_interministeriels"
    assert registry.get(entity.host) is not None
    assert entity.sponsors == ["organisation:anct", "organisation:dinum"]
    assert entity.national_impact == [dt.date(2022, 12, 31)]
    assert [p.name for p in entity.phases] == ["construction", "investigation", "acceleration"]
    assert entity.current_phase is not None and entity.current_phase.name == "acceleration"
    assert entity.link == "https://rdv.anct.gouv.fr"
    assert entity.source_path == "_startups/rdv-service-public.md"
    assert sum(1 for e in registry.of_kind("startup") if e.national_impact) >= 30


def test_normalised_names_find_the_entity(imported: tuple[ImportReport, Registry]) -> None:
    _, registry = imported
    acceslibre = registry.get("startup:acceslibre")
    assert acceslibre is not None
    assert registry.by_name("acces libre") == [acceslibre]
    assert registry.by_name("Accès Libre") == [acceslibre]
    assert registry.by_name("ACCÈS-LIBRE") == [acceslibre]
    assert [e.id for e in registry.by_name("Dossier facile")] == ["startup:dossierfacile"]
    assert [e.id for e in registry.by_name("Histologe")] == ["startup:histologe"]  # "Signal Logement (ex:Histologe)"
    assert [e.id for e in registry.by_name("Signal Logement")] == ["startup:histologe"]
    assert registry.slug_for("Tchap") == "tchap"
    assert registry.slug_for("Acces libre") == "acceslibre"
    assert registry.slug_for("Pas un service") is None
    names = registry.names(kinds=("title",), entity_kinds=("startup",))
    assert len(names) == len(registry.of_kind("startup"))
    assert any(n.normalised == "acceslibre" for n in names)


def test_the_store_gives_back_what_was_read(imported: tuple[ImportReport, Registry]) -> None:
    _, registry = imported
    read = read_betagouv(need(REFERENCE))
    assert [e.model_dump() for e in read.entities] == [e.model_dump() for e in registry.entities.values()]


# --- small functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Accès Libre", "acceslibre"),
        ("Acceslibre", "acceslibre"),
        ("Dossier facile", "dossierfacile"),
        ("DossierFacile", "dossierfacile"),
        ("Le c(h)œur des Sentes", "lechoeurdessentes"),
        ("L’Incubateur des Territoires", "lincubateurdesterritoires"),
        ("1 élève, 1 stage", "1eleve1stage"),
        ("Protège-Toit 🏡", "protegetoit"),
        ("", ""),
    ],
)
def test_normalise_name(text: str, key: str) -> None:
    assert normalise_name(text) == key


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (300000, 300000),
        (300000.0, 300000),
        ("300000", 300000),
        ("300 000 €", 300000),
        ("300\u202f000 €", 300000),
        ("150k€", 150000),
        ("150 K€", 150000),
        ("1,5 M€", 1500000),
        ("2,48 millions d'euros", 2480000),
        ("Montant de 150000€ pour la promotion 14", 150000),
        ("Montant de 200\u00a0000€ pour la promotion 13", 200000),
        ("Montant de 370 000€", 370000),
        ("Montant de 120 000 euros", 120000),
        ("Lauréat du FAST 13.", None),
        ("Bilan du Fast", None),
        ("trois cent mille", None),
        (True, None),
        (-5, None),
        (None, None),
        ([300000], None),
    ],
)
def test_parse_amount(value: object, amount: int | None) -> None:
    assert parse_amount(value) == amount


def test_amount_in_a_comment_needs_a_unit() -> None:
    assert parse_amount("pour la promotion 14", require_unit=True) is None
    assert parse_amount("en 2024 150 000 € pour la promotion 14", require_unit=True) == 150000


@pytest.mark.parametrize(
    "text",
    ["300 000 €", "150k€", "1,5 M€", "2,48 millions d'euros", "1.200.000 €", "deux millions d'euros", "0,15 M€"],
)
def test_an_amount_is_read_as_a_document_reads_it(text: str) -> None:
    """The registry reads amounts with the number grammar (issue 18: one amount parser)."""
    from extractor.claims.numbers import find_numbers

    (figure,) = find_numbers(text)
    assert figure.unit == "EUR"
    assert parse_amount(text) == parse_amount(text, require_unit=True) == int(figure.value)


def test_amounts_the_grammar_does_not_read_are_none_not_wrong() -> None:
    assert parse_amount("Montant : 150 000") == 150000  # after "montant", no unit needed
    assert parse_amount("150 mille €") is None  # read 150, then "mille €" (1 000 €): refused
    assert parse_amount("1.5 M€") is None  # a dot is no French decimal mark
    assert parse_amount("-5 €") is None
    assert parse_amount("entre 100 000 et 200 000 €") == 100000


def test_the_registry_has_no_amount_grammar_of_its_own() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "extractor/profiles/registry.py").read_text(encoding="utf-8")
    assert "find_numbers" in text and "millions?" not in text and "_SCALES" not in text


def test_every_fast_amount_of_the_registry_is_read() -> None:
    """The amounts of the real registry's FAST comments ("Montant de 150 000€ pour la promotion
    14"), read by the grammar, are their digits."""
    import re

    from extractor.profiles.betagouv.registry import parse_front_matter

    read = 0
    for path in sorted(need(REFERENCE).joinpath("_startups").glob("*.md")):
        data = parse_front_matter(path.read_text(encoding="utf-8"))
        for event in data.get("events") or []:
            comment = " ".join(str(event.get("comment") or "").split()) if isinstance(event, dict) else ""
            written = re.search(r"Montant de ([\d\s]+)€", comment)
            if written:
                assert parse_amount(comment, require_unit=True) == int(re.sub(r"\s", "", written.group(1))), comment
                read += 1
    assert read >= 20


@pytest.mark.parametrize(
    ("value", "promotion"),
    [(14, 14), ("14", 14), ("Montant de 150000€ pour la promotion 14", 14), ("Lauréat du FAST 13. ", 13), ("x", None)],
)
def test_parse_promotion(value: object, promotion: int | None) -> None:
    assert parse_promotion(value) == promotion


def test_aliases_written_in_titles() -> None:
    def aliases(title: str) -> list[tuple[str, str]]:
        return [(a.name, a.kind) for a in derive_aliases(title)]

    assert aliases("Signal Logement (ex:Histologe)") == [("Signal Logement", "short"), ("Histologe", "former")]
    assert aliases(" AMIDOMAR (Ex DPM Facile)".strip()) == [("AMIDOMAR", "short"), ("DPM Facile", "former")]
    assert aliases("Mes Ressources Formation Ex Estime Formation") == [
        ("Mes Ressources Formation", "short"),
        ("Estime Formation", "former"),
    ]
    assert aliases("Bhasile (anc. Place d'Asile)") == [("Bhasile", "short"), ("Place d'Asile", "former")]
    assert aliases("Mes remboursements simplifiés (MRS)") == [
        ("Mes remboursements simplifiés", "short"),
        ("MRS", "acronym"),
    ]
    # an organisation in parentheses is not the incubator's acronym
    assert aliases("L'Accélérateur de la Transition Écologique (ADEME)") == [
        ("L'Accélérateur de la Transition Écologique", "short")
    ]
    assert aliases("Tchap") == []
    assert aliases("Index") == []


# --- malformed entries (synthetic) ------------------------------------------------------------------


GOOD_STARTUP = """---
title: Bon Service
incubator: dinum
sponsors:
  - /organisations/dinum
phases:
  - name: investigation
    start: 2023-01-02
    end: 2023-03-01
  - name: construction
    start: 2023-03-01
redirect_from:
  - /startups/ancien-service
fast:
  promotion: 14
  montant: "300 000 €"
events:
  - name: fast
    date: 2024-01-01
    comment: Montant de 150k€ pour la promotion 14
  - name: national_impact
    date: 2024-06-30
---
Corps **Markdown** ignoré.
"""


def write(folder: Path, name: str, text: str | bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        (folder / name).write_bytes(text)
    else:
        (folder / name).write_text(text, encoding="utf-8")


def make_registry(root: Path, startups: dict[str, str | bytes]) -> Path:
    write(root / "_incubators", "dinum.md", "---\ntitle: Incubateur DINUM\nowner: /organisations/dinum\n---\n")
    write(root / "_organisations", "dinum", "---\nname: Direction interministérielle du numérique\nacronym: DINUM\n---")
    for name, text in startups.items():
        write(root / "_startups", name, text)
    return root


MALFORMED: dict[str, tuple[str | bytes, str]] = {
    # file -> (content, fragment of the reason)
    "sans-front-matter.md": ("# Juste du Markdown\n", "pas de front matter"),
    "non-termine.md": ("---\ntitle: Oubli\n\nTexte\n", "non terminé"),
    "yaml-invalide.md": ("---\ntitle: [oops\n---\n", "YAML invalide"),
    "liste.md": ("---\n- a\n- b\n---\n", "une liste"),
    "texte.md": ("---\njuste du texte\n---\n", "un texte"),
    "vide.md": ("---\n---\n", "vide"),
    "fichier-vide.md": ("", "vide"),
    "sans-titre.md": ("---\nmission: Pas de titre\n---\n", "titre"),
    "titre-vide.md": ("---\ntitle: '   '\n---\n", "titre"),
    "titre-liste.md": ("---\ntitle: [a, b]\n---\n", "titre"),
    "latin1.md": ("---\ntitle: Éléphant\n---\n".encode("latin-1"), "UTF-8"),
}


def test_malformed_entries_are_skipped_with_a_reason(tmp_path: Path) -> None:
    startups: dict[str, str | bytes] = {"bon.md": GOOD_STARTUP, "autre.md": "---\ntitle: Autre\n---\n"}
    startups |= {name: content for name, (content, _) in MALFORMED.items()}
    root = make_registry(tmp_path / "registre", startups)
    write(root / "_startups", "logo.png", b"\x89PNG")  # not an entry: ignored silently

    report = import_betagouv(root, tmp_path / "ref.sqlite")

    reasons = {p.path: p.reason_fr for p in report.skipped}
    assert set(reasons) == {f"_startups/{name}" for name in MALFORMED}
    for name, (_, fragment) in MALFORMED.items():
        assert fragment.lower() in reasons[f"_startups/{name}"].lower(), (name, reasons[f"_startups/{name}"])
    assert (report.counts["startup"], report.counts["incubator"], report.counts["organisation"]) == (2, 1, 1)
    registry = load_registry(tmp_path / "ref.sqlite")
    assert registry is not None
    good = registry.get("startup:bon")
    assert good is not None
    assert good.host == "incubator:dinum"
    assert good.sponsors == ["organisation:dinum"]
    assert [(f.source, f.round, f.amount) for f in good.awards] == [("field", 14, 300000), ("event", 14, 150000)]
    assert good.national_impact == [dt.date(2024, 6, 30)]
    assert registry.by_slug("ancien-service") == good
    assert registry.by_name("DINUM") == [registry.get("organisation:dinum")]
    assert report.warnings == []


def test_bad_fields_are_dropped_with_a_warning_and_the_entry_is_kept(tmp_path: Path) -> None:
    text = """---
title: Service Bancal
incubator: inconnu
phases:
  - name: investigation
    start: 2023-02-30
  - "construction"
  - name: acceleration
    start: pas une date
events:
  - name: fast
    date: 2024-13-01
    comment: Montant de 100 000 € pour la promotion 15
  - juste une chaîne
  - name: national_impact
fast:
  promotion: quatorze
  montant: beaucoup
redirect_from: /startups/ancien-nom
sponsors: 12
---
"""
    root = make_registry(tmp_path / "registre", {"bancal.md": text})
    report = import_betagouv(root, tmp_path / "ref.sqlite")
    assert report.skipped == []
    assert report.counts["startup"] == 1
    warnings = [w.reason_fr for w in report.warnings]
    assert all(w.path == "_startups/bancal.md" for w in report.warnings)
    expected = [
        "date illisible '2023-02-30'",
        "phase n°2 ignorée",
        "date illisible 'pas une date'",
        "date illisible '2024-13-01'",
        "événement n°2 ignoré",
        "national_impact",
        "promotion illisible",
        "montant illisible",
        "champ « sponsors » ignoré",
        "incubateur inconnu « inconnu »",
    ]
    for fragment in expected:
        assert any(fragment in w for w in warnings), (fragment, warnings)
    registry = load_registry(tmp_path / "ref.sqlite")
    assert registry is not None
    entity = registry.get("startup:bancal")
    assert entity is not None
    assert [(p.name, p.start) for p in entity.phases] == [("investigation", None), ("acceleration", None)]
    assert [(f.source, f.round, f.amount, f.date) for f in entity.awards] == [("event", 15, 100000, None)]
    assert registry.by_slug("ancien-nom") == entity  # a single redirect string is accepted


def test_duplicate_slugs_and_colliding_redirects(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path / "registre",
        {
            "alpha.md": "---\ntitle: Alpha\nredirect_from: [/startups/beta, /startups/commun, /ailleurs/x/y]\n---\n",
            "beta.md": "---\ntitle: Beta\nredirect_from: ['https://beta.gouv.fr/startups/vieux-beta.html']\n---\n",
            "gamma.md": "---\ntitle: Gamma\nredirect_from: [/startups/commun]\n---\n",
            "gamma": "---\ntitle: Gamma sans extension\n---\n",
        },
    )
    result = read_betagouv(root)
    assert [p.path for p in result.skipped] == ["_startups/gamma.md"]  # "gamma" comes first
    assert "double" in result.skipped[0].reason_fr
    reasons = [w.reason_fr for w in result.warnings]
    assert any("/startups/beta" in r and "page de _startups/beta.md" in r for r in reasons)
    assert any("/ailleurs/x/y" in r for r in reasons)
    registry = Registry(result.entities)
    assert registry.by_slug("beta") == registry.get("startup:beta")
    assert registry.by_slug("commun") == registry.get("startup:alpha")
    assert registry.by_slug("vieux-beta") == registry.get("startup:beta")
    assert registry.by_name("beta") == [registry.get("startup:beta")]  # the dropped redirect is no alias


def test_not_a_registry_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="introuvable"):
        read_betagouv(tmp_path / "absent")
    (tmp_path / "vide").mkdir()
    with pytest.raises(InputError, match="_startups"):
        read_betagouv(tmp_path / "vide")


# --- the store ----------------------------------------------------------------------------------------


def test_a_second_import_replaces_the_store_atomically(tmp_path: Path) -> None:
    db = tmp_path / "store" / "reference.sqlite"
    first = make_registry(tmp_path / "un", {"ancien.md": "---\ntitle: Ancien\n---\n"})
    second = make_registry(tmp_path / "deux", {"nouveau.md": "---\ntitle: Nouveau\n---\n"})

    import_betagouv(first, db)
    registry = load_registry(db)
    assert registry is not None and registry.get("startup:ancien") is not None
    import_betagouv(second, db)
    registry = load_registry(db)
    assert registry is not None
    assert registry.get("startup:ancien") is None
    assert registry.get("startup:nouveau") is not None
    assert sorted(p.name for p in db.parent.iterdir()) == ["reference.sqlite"]  # no temporary file left

    # an import that fails half-way leaves the previous store untouched, and no temporary file
    entities = read_betagouv(first).entities

    def failing() -> Iterator[Entity]:
        yield entities[0]
        raise RuntimeError("panne au milieu de l'import")

    with pytest.raises(RuntimeError):
        import_into(db, failing())
    registry = load_registry(db)
    assert registry is not None and registry.get("startup:nouveau") is not None
    assert sorted(p.name for p in db.parent.iterdir()) == ["reference.sqlite"]


def test_schema_has_indexed_names_and_slugs(tmp_path: Path) -> None:
    db = tmp_path / "reference.sqlite"
    import_betagouv(make_registry(tmp_path / "r", {"bon.md": GOOD_STARTUP}), db)
    con = sqlite3.connect(db)
    try:
        indexes = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"names_normalised", "slugs_slug", "awards_round"} <= indexes
        rows = con.execute("SELECT entity_id, kind FROM names WHERE normalised = ?", ("bonservice",)).fetchall()
        assert rows == [("startup:bon", "title")]
        fast = con.execute("SELECT grant_id, source, round, amount FROM awards ORDER BY position").fetchall()
        assert fast == [("fast", "field", 14, 300000), ("fast", "event", 14, 150000)]
    finally:
        con.close()


def test_without_a_store_there_is_no_registry(tmp_path: Path) -> None:
    assert load_registry(tmp_path / "absent.sqlite") is None
    assert "aucun registre" in NO_REGISTRY_FR and "factcheck reference import DOSSIER" in NO_REGISTRY_FR
    broken = tmp_path / "casse.sqlite"
    broken.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    with pytest.raises(InputError, match="base de référence"):
        load_registry(broken)


def test_the_registry_is_reloaded_when_the_store_changes(tmp_path: Path) -> None:
    db = tmp_path / "reference.sqlite"
    import_betagouv(make_registry(tmp_path / "un", {"a.md": "---\ntitle: A\n---\n"}), db)
    first = load_registry(db)
    assert load_registry(db) is first  # cached
    import_betagouv(make_registry(tmp_path / "deux", {"b.md": "---\ntitle: B\n---\n"}), db)
    second = load_registry(db)
    assert second is not first and second is not None and second.get("startup:b") is not None


# --- the command ----------------------------------------------------------------------------------------


def mounted() -> typer.Typer:
    """A main app that mounts the sub-app the way extractor/cli.py does."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """factcheck"""

    app.add_typer(reference_app, name="reference")
    return app


runner = CliRunner()


def test_cli_imports_and_prints_the_summary(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path / "registre",
        {"bon.md": GOOD_STARTUP, "casse.md": "---\ntitle: [oops\n---\n"},
    )
    db = tmp_path / "out" / "reference.sqlite"
    result = runner.invoke(mounted(), ["reference", "import-betagouv", str(root), "--reference", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 startup, 1 incubateur, 1 organisation en" in result.stdout
    assert "1 entrée ignorée" in result.stdout
    assert "_startups/casse.md : front matter YAML invalide" in result.stdout
    assert db.exists()


def test_cli_on_the_real_registry(tmp_path: Path) -> None:
    root = need(REFERENCE)
    db = tmp_path / "reference.sqlite"
    result = runner.invoke(mounted(), ["reference", "import-betagouv", str(root), "--reference", str(db)])
    assert result.exit_code == 0, result.output
    print(result.stdout)
    assert "startups, " in result.stdout and "entrée" in result.stdout


def test_cli_exits_2_on_a_bad_path(tmp_path: Path) -> None:
    db = tmp_path / "reference.sqlite"
    result = runner.invoke(
        mounted(), ["reference", "import-betagouv", str(tmp_path / "absent"), "--reference", str(db)]
    )
    assert result.exit_code == 2
    assert "introuvable" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(mounted(), ["reference", "import-betagouv", str(tmp_path), "--reference", str(db)])
    assert result.exit_code == 2
    assert "_startups" in result.stderr
    assert not db.exists()


def test_cli_refuses_to_overwrite_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registre", {"bon.md": GOOD_STARTUP})
    precious = tmp_path / "notes.md"
    precious.write_text("à garder\n", encoding="utf-8")
    result = runner.invoke(mounted(), ["reference", "import-betagouv", str(root), "--reference", str(precious)])
    assert result.exit_code == 2
    assert "refus" in result.stderr
    assert precious.read_text(encoding="utf-8") == "à garder\n"
