#!/usr/bin/env bash
# Vendors the French State design system (DSFR, npm package @gouvfr/dsfr) into the package, so that
# the web page of `factcheck serve` fetches nothing from outside at run time.
#
# Copies only what the page uses: the minified CSS and JS (module + nomodule), the Marianne fonts
# (woff2), the icons the core CSS points at, the utility icons the page uses (extracted into
# icons.min.css), the favicon, and the licence (Etalab 2.0, kept beside the files).
#
#   bash scripts/vendor_dsfr.sh            # the pinned version
#   DSFR_VERSION=1.15.3 bash scripts/vendor_dsfr.sh
#
# Needs npm (it runs `npm pack`, which reads the npm registry). Re-run after changing ICONS.
set -euo pipefail

VERSION="${DSFR_VERSION:-1.15.3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/extractor/service/page/static/vendor/dsfr"
# Utility icons the page uses (fr-icon-NAME), besides those of the core CSS.
ICONS=(error-fill warning-fill info-fill upload-2-line file-pdf-line file-text-line arrow-go-back-line
       time-line checkbox-circle-fill close-line search-line download-line)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@gouvfr/dsfr@$VERSION" >/dev/null && tar xzf gouvfr-dsfr-*.tgz)
dist="$work/package/dist"

rm -rf "$DEST"
mkdir -p "$DEST/fonts" "$DEST/favicon"
cp "$work/package/LICENSE.md" "$DEST/LICENSE.md"
cp "$dist/dsfr.min.css" "$dist/dsfr.module.min.js" "$dist/dsfr.nomodule.min.js" "$DEST/"
cp "$dist"/fonts/Marianne-*.woff2 "$DEST/fonts/"
cp "$dist/favicon/favicon.svg" "$DEST/favicon/"

# The icons the core CSS refers to (url(icons/...)), kept at the same relative paths.
grep -o 'url(icons/[^)]*)' "$dist/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r icon; do
  mkdir -p "$DEST/$(dirname "$icon")"
  cp "$dist/$icon" "$DEST/$icon"
done

# The utility icons the page uses: their rules, with the paths made relative to $DEST.
{
  echo "/* DSFR v$VERSION utility icons used by the factcheck page (extracted by scripts/vendor_dsfr.sh). Licence: LICENSE.md */"
  for name in "${ICONS[@]}"; do
    rule="$(grep -o "\.fr-icon-$name:after,\.fr-icon-$name:before{[^}]*}" "$dist/utility/icons/icons.min.css" | head -1)"
    if [ -z "$rule" ]; then
      echo "vendor_dsfr.sh: icon fr-icon-$name not found in DSFR $VERSION" >&2
      exit 1
    fi
    echo "${rule//..\/..\/icons\//icons/}"
    icon="$(echo "$rule" | grep -o 'icons/[^)]*\.svg' | head -1)"
    mkdir -p "$DEST/$(dirname "$icon")"
    cp "$dist/$icon" "$DEST/$icon"
  done
} >"$DEST/icons.min.css"

echo "$VERSION" >"$DEST/VERSION"
echo "DSFR $VERSION vendored in $DEST ($(du -sh "$DEST" | cut -f1))"
