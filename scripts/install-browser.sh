#!/bin/sh
# Install what the browser tests (tests/browser/) need, skipping whatever is already present:
#   - Debian's Chromium at /usr/bin/chromium (Playwright's own browser download does not work here;
#     FORUM_CHROMIUM names another executable, which the tests then launch),
#   - the Python `playwright` package in the project's virtualenv (never `playwright install`),
#   - axe-core's axe.min.js under ~/.cache/axe (outside the repository).
# Usage: scripts/install-browser.sh   (run from anywhere; needs root for apt-get)
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
PY=${FORUM_VENV_PYTHON:-$ROOT/.venv/bin/python}
AXE_PREFIX=${AXE_PREFIX:-$HOME/.cache/axe}
AXE_JS=$AXE_PREFIX/node_modules/axe-core/axe.min.js
CHROMIUM=${FORUM_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    echo "chromium: present ($CHROMIUM)"
elif [ "$CHROMIUM" != /usr/bin/chromium ]; then
    echo "chromium: FORUM_CHROMIUM=$CHROMIUM is not an executable" >&2
    exit 1
else
    echo "chromium: installing with apt-get"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi

if [ ! -x "$PY" ] && [ -z "${FORUM_VENV_PYTHON:-}" ]; then
    # A clean clone: make the virtualenv the way the Makefile does; `make install` fills it later.
    echo "virtualenv: creating $ROOT/.venv"
    python3 -m venv "$ROOT/.venv"
fi

if "$PY" -c 'import playwright.sync_api' 2>/dev/null; then
    echo "playwright: present"
else
    echo "playwright: installing into $PY"
    "$PY" -m pip install --quiet 'playwright>=1.45'
fi

if [ -f "$AXE_JS" ]; then
    echo "axe-core: present"
else
    echo "axe-core: installing into $AXE_PREFIX"
    npm install --silent --no-audit --no-fund --prefix "$AXE_PREFIX" axe-core
fi

test -x "$CHROMIUM"
"$PY" -c 'import playwright.sync_api'
test -f "$AXE_JS"
echo "browser test prerequisites ready"
