#!/usr/bin/env bash
# Sets up everything factcheck and its tests need on a Debian machine, and does only what is
# missing, so it can run again at will (the README's first command, and .ci/run):
#   1. the system packages, with apt-get when it can (as root, or through sudo without a password):
#      chromium (browser tests), hunspell-fr-comprehensive, hunspell-en-us (English words are no
#      misspellings) and libenchant-2-2 (text/spelling),
#      python3-grammalecte and grammalecte-cli; when it cannot, it prints the command to run and
#      goes on (the rules and tests that need them are skipped and say so);
#   2. .venv (Python 3.11 or later: $PYTHON, else python3) with `pip install -e '.[test]'`, again
#      only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium hunspell-fr-comprehensive hunspell-en-us libenchant-2-2 python3-grammalecte grammalecte-cli)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get absent ; installer à la main l'équivalent de : ${missing[*]}" >&2
  else
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
    fi
    if [ "$sudo" = none ]; then
      echo "setup: paquets système manquants (${missing[*]}) ; il faut être root pour les installer :" >&2
      echo "    sudo sh -c '$command'" >&2
      echo "setup: on continue sans eux (les règles et tests qui en ont besoin seront ignorés)" >&2
    else
      echo "setup: installation de ${missing[*]} (apt-get)" >&2
      if ! { $sudo apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null; then
        echo "setup: apt-get n'a pas pu installer ${missing[*]} ; commande à relancer :" >&2
        echo "    ${sudo:+$sudo }sh -c '$command'" >&2
        echo "setup: on continue sans eux (les règles et tests qui en ont besoin seront ignorés)" >&2
      fi
    fi
  fi
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: Python 3.11 ou plus récent est nécessaire (PYTHON=/chemin/vers/python3.11 bash scripts/setup.sh)" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
# pip install -e only when pyproject.toml changed since the last one (the dependencies).
stamp=.venv/.factcheck-setup
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $PWD"
if [ ! -x .venv/bin/factcheck ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  # The distribution was named "factcheck" before issue 23 (that name is another project's on the
  # package index): an install of this checkout under the old name is replaced.
  if .venv/bin/python -m pip show factcheck 2>/dev/null | grep -qx "Editable project location: $PWD"; then
    .venv/bin/python -m pip uninstall --quiet --yes factcheck
  fi
  .venv/bin/python -m pip install --quiet -e '.[test]'
  echo "$wanted" >"$stamp"
fi
echo "setup: prêt (.venv/bin/factcheck)" >&2
