"""The web page of `factcheck serve`: its static files (static/: index.html, page.js, page.css, the vendored
DSFR under static/vendor/dsfr/) and `review`, the one answer a check from the page gets."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
