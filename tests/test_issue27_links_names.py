"""Issue 27, the classes and causes of the links-and-names half: repeated phrases and anchors of
other pages (class 5), repeated items that are not copies (cause 10), download sizes (cause 12),
decomposed accents (cause 13), name variants that are no typos (cause 8). Texts written here."""

from __future__ import annotations

import pytest

from extractor import checks
from extractor.ingest import read_bytes
from extractor.models import Block, BlockKind, Document, Finding, Location
from extractor.reference.store import Registry
from tests.test_messages import startup


def run(text: str, rules: list[str], name: str = "page.md") -> list[Finding]:
    return checks.run(read_bytes(text.encode("utf-8"), name), checks.Context(), only=rules)


# --- class 5: a repeated phrase ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "fixed"),
    [
        ("Une analyse plus fine que ce que ce que permettent les tests.", "ce que ce que", "ce que"),
        (
            "Beaucoup d'équipes ont réduit et/ou ont réduit leur temps de travail.",
            "ont réduit et/ou ont réduit",
            "ont réduit",
        ),
        (
            "Le service sera ouvert à tous les agents à tous les agents des préfectures.",
            "à tous les agents à tous les agents",
            "à tous les agents",
        ),
        ("Il forme les pilotes de l'armée de l'armée de l'air.", "l'armée de l'armée de", "l'armée de"),
        (
            "Le service s'adresse aux agents publics ou aux agents publics des communes.",
            "aux agents publics ou aux agents publics",
            "aux agents publics",
        ),
        ("Nous avons besoin de la de la confiance des usagers.", "de la de la", "de la"),
    ],
)
def test_a_repeated_phrase_fires(text: str, found: str, fixed: str) -> None:
    (finding,) = run(text, ["text/duplicated-token"])
    assert (finding.arguments["found"], finding.arguments["fixed"]) == (found, fixed)


@pytest.mark.parametrize(
    "text",
    [
        "Nous avançons pas à pas, encore et encore.",
        "Le nombre de services augmente de plus en plus vite.",
        "Ils ont réduit et/ou supprimé leur temps de travail.",
        "Ce que nous faisons, ce que nous voulons : deux choses.",
        "Il faut tester, tester encore, puis tester à nouveau.",
        "Coûte que coûte, bon an mal an, le service tient.",
        "Elle a dit : « vous vous trompez ».",
        "Au fur et à mesure, petit à petit, les équipes grandissent.",
        "Les terres disparaissent petit à petit à cause de l'urbanisation.",
        "Un site pour chaque manifestation et chaque manifestation a son calendrier.",
        "Trouver des usagers avant de développer votre produit et développer votre produit pour eux.",
        "2. Les appels à problèmes Les appels à problèmes offrent à tout agent un cadre.",
    ],
)
def test_a_phrase_that_is_french_stays_silent(text: str) -> None:
    assert run(text, ["text/duplicated-token"]) == []


# --- cause 10: repeated items --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Lauréats :\n\n- Nom : Alpha\n- Montant : 150 000 €\n- Nom : Beta\n- Montant : 150 000 €\n",
        "Résultats :\n\n- Durée : 6 mois\n- Équipe : 4 personnes\n- Durée : 6 mois\n",
        "Chronologie :\n\n- 2019 : lancement du programme\n- 2020 : premiers lauréats\n"
        "- 2020 : ouverture à toutes les régions\n- 2021 : bilan\n",
        "Historique :\n\n- Mars 2021 : création\n- Juin 2021 : première version\n"
        "- Mars 2021 : recrutement de l'équipe\n- 2022 : généralisation\n",
        "Montants :\n\n- 150 000 €\n- 80 000 €\n- 150 000 €\n",
    ],
)
def test_same_figures_and_same_years_are_not_repeated_items(text: str) -> None:
    assert run(text, ["text/repeated-item"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Les étapes :\n\n- Investigation\n- Construction\n- Investigation\n",
        "Glossaire :\n\n- API : interface de programmation\n- SNE : service numérique\n"
        "- API : application publique\n- DSFR : système de design\n",
        "L'équipe : Marie Dupont, Jean Martin et Marie Dupont.\n",
        "Partenaires :\n\n- Ministère de l'Intérieur\n- Ville de Lyon\n- Ministère de l'Intérieur\n",
    ],
)
def test_repeated_names_and_definitions_still_fire(text: str) -> None:
    assert [f.rule for f in run(text, ["text/repeated-item"])] == ["text/repeated-item"]


# --- cause 13: decomposed accents ----------------------------------------------------------------


def nfd(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "text",
    [
        "Le service.\n\n![Capture d’écran de la page d’accueil](/img/accueil.png)\n",
        'Le service.\n\n![Présentation vidéo](/img/video.png "Présentation de la solution")\n',
        'Le service.\n\n<img src="/img/a.png" alt="Équipe réunie à Lyon">\n',
        "Le service.\n\n<img src='/img/a.png' alt='Démonstration'>\n",
    ],
)
def test_decomposed_accents_in_an_alt_text_are_no_finding(text: str) -> None:
    assert run(nfd(text), ["text/invisible-character"]) == []


@pytest.mark.parametrize(
    "text",
    [
        "Le service a été créé à Lyon.\n",
        "| Année | Équipe |\n| --- | --- |\n| 2024 | Intégrée |\n",
        "- Un caractère répétitif\n- Une répétition\n",
    ],
)
def test_decomposed_accents_in_body_text_are_at_most_info(text: str) -> None:
    (found,) = run(nfd(text), ["text/invisible-character"])
    assert found.severity.value == "info" and found.variant == "decomposed"


def test_an_invisible_character_inside_a_word_is_still_a_warning() -> None:
    (found,) = run("Le service M\ufeffon Suivi Social.\n", ["text/invisible-character"])
    assert found.severity.value == "warning"


# --- cause 8: name variants that are not typos --------------------------------------------------


REGISTRY = [
    startup("lannuaire.des.collectivites", "L'Annuaire des collectivités"),
    startup("ami", "AMI - Application mobile interministérielle"),
    startup("nosgestesclimat", "Nos Gestes Climat"),
    startup("chauffage-urbain", "France Chaleur Urbaine"),
    startup("mes-demarches", "Mes Démarches Simplifiées"),
    startup("zero-logement-vacant", "Zéro logement vacant"),
    startup("carte-des-aides", "La Carte des Aides Territoriales"),
    startup("zan", "ZAN : Zéro artificialisation nette"),
]


def typos(text: str) -> list[str]:
    doc = read_bytes(text.encode("utf-8"), "bilan.md")
    found = checks.run(doc, checks.Context(registry=Registry(REGISTRY)), only=["reference/name-typo"])
    return [f.arguments["written"] for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "En 2024, **Annuaire des collectivités** a recensé les élus.\n",
        "- **l’Annuaire des collectivités** : les contacts des mairies\n- **Tchap** : messagerie\n",
        "Parmi les produits, **Application mobile interministérielle** a ouvert.\n",
        "| Produit | Usagers |\n| :-- | --: |\n| Application mobile interministérielle | 12 000 |\n| Tchap | 300 |\n",
        "Les chantiers : **Zéro artificialisation nette** avance.\n",
        "# BILAN 2024\n\n**L'ANNUAIRE DES COLLECTIVITÉS** RECENSE LES ÉLUS.\n",
        "# NOS PRODUITS\n\n- **APPLICATION MOBILE INTERMINISTÉRIELLE**\n- **NOS GESTES CLIMAT**\n",
        "En 2024, **Mes Démarche Simplifiée** a traité un million de dossiers.\n",
        "Le guide **La Carte des Aide Territoriales** est à jour.\n",
        "Le service **Ma Démarche Simplifiée** a été repris.\n",
    ],
)
def test_the_framing_of_a_name_is_no_typo(text: str) -> None:
    assert typos(text) == []


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("En 2024, **Franche Chaleur Urbaine** a raccordé 500 bâtiments.\n", "Franche Chaleur Urbaine"),
        ("- **Nos Gestes Climats** : le calculateur d'empreinte\n- **Tchap** : messagerie\n", "Nos Gestes Climats"),
        ("# LAURÉATS\n\n**FRANCHE CHALEUR URBAINE** ACCÉLÈRE.\n", "FRANCHE CHALEUR URBAINE"),
        ("En 2024, **Zéro Logements Vacants** a mobilisé 200 communes.\n", "Zéro Logements Vacants"),
        ("Le service **l'Annuaire des colectivités** est ouvert.\n", "l'Annuaire des colectivités"),
        ("Parmi les produits, **Application mobile interministérrielle** a ouvert.\n", None),
    ],
)
def test_a_near_miss_of_a_distinctive_word_is_a_typo(text: str, written: str | None) -> None:
    found = typos(text)
    assert len(found) == 1 and (written is None or found[0] == written), found


# --- class 5: a table of contents repeated on the slides of a deck --------------------------------


def deck(tables: dict[int, list[tuple[str, int]]], headings: dict[str, int] | None = None) -> Document:
    """A PDF read into blocks: a table of contents (one block, "Titre ..... N" lines) on each page
    of `tables`, and headings on their pages."""
    blocks: list[Block] = []

    def add(kind: BlockKind, text: str, page: int) -> None:
        n = len(blocks)
        where = Location(path="deck.pdf", line=n + 1, column=1, end_line=n + 1, end_column=2, page=page)
        blocks.append(Block(id=n, kind=kind, text=text, start=0, end=0, location=where))

    for page, entries in tables.items():
        add(BlockKind.paragraph, "\n".join(f"{title} ........ {n}" for title, n in entries), page)
    for title, page in (headings or {}).items():
        add(BlockKind.heading, title, page)
    text = "\n".join(b.text for b in blocks)
    return Document(id="x", path="deck.pdf", format="pdf", sha256="0", text=text, blocks=blocks, pages=30)


TOC = [("Introduction", 3), ("La méthode", 6), ("Les résultats", 10), ("Les perspectives", 20)]


def contents(doc: Document) -> list[Finding]:
    return [f for f in checks.run(doc, checks.Context(), only=["text/broken-reference"])]


@pytest.mark.parametrize(
    ("later", "title", "stated", "other"),
    [
        (
            [("Introduction", 3), ("La méthode", 6), ("Les résultats", 11), ("Les perspectives", 20)],
            "Les résultats",
            11,
            10,
        ),
        ([("Introduction", 3), ("La méthode", 7), ("Les résultats", 10), ("Les perspectives", 20)], "La méthode", 7, 6),
        (
            [("Introduction", 3), ("La méthode", 6), ("Les résultats", 10), ("Les perspectives", 21)],
            "Les perspectives",
            21,
            20,
        ),
    ],
)
def test_two_tables_of_contents_of_one_deck_that_disagree(later, title: str, stated: int, other: int) -> None:
    (found,) = contents(deck({2: TOC, 9: later}))
    assert found.variant == "contents-slides"
    assert (found.arguments["title"], found.arguments["stated"], found.arguments["other"]) == (title, stated, other)
    assert [e.location.page for e in found.evidence] == [9, 2]


@pytest.mark.parametrize(
    "tables",
    [
        {2: TOC, 9: TOC, 19: TOC},  # the same table three times
        {2: TOC, 9: [("Introduction", 4), ("Autre chose", 8), ("Encore autre", 12)]},  # another table
        {2: TOC},  # one table
        {2: TOC[:2], 9: [("Introduction", 4), ("La méthode", 7)]},  # too short to be sure it is the same
    ],
)
def test_tables_of_contents_that_agree_or_are_not_the_same_are_silent(tables) -> None:
    assert contents(deck(tables)) == []


def test_an_entry_the_headings_prove_wrong_is_reported_once() -> None:
    later = [("Introduction", 3), ("La méthode", 6), ("Les résultats", 11), ("Les perspectives", 20)]
    headings = {"Introduction": 3, "La méthode": 6, "Les résultats": 10, "Les perspectives": 20}
    found = contents(deck({2: TOC, 9: later}, headings))
    assert [f.variant for f in found] == ["contents"]
