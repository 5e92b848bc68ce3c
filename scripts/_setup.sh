# Shared by scripts/demo and scripts/test: makes .venv with the project installed.
# Needs only Python 3.11+ and, on a bare Debian machine, apt-get (for python3-venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CUSTODES_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null 2>&1 &&
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  }
}

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Custodes needs Python 3.11 or newer (found $("$PYTHON" --version 2>&1))." >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    echo "Installing Debian's python3-venv…" >&2
    rm -rf "$VENV"
    apt_install python3-venv || { echo "Could not create a virtualenv: install python3-venv." >&2; exit 1; }
    "$PYTHON" -m venv "$VENV"
  fi
fi

# Reinstall only when pyproject.toml changed since the last install.
stamp="$VENV/.custodes-installed"
extras="${CUSTODES_EXTRAS:-}"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)$extras"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Custodes and its dependencies into $VENV…" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e "$ROOT${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi

# The report's PDF (custodes report --pdf) is made with WeasyPrint, which needs Pango and a font.
if ! { ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0'; } && [ -z "${CUSTODES_SKIP_PDF_LIBS:-}" ]; then
  echo "Installing Pango and fonts for the report's PDF…" >&2
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core ||
    echo "Pango not installed: the report's PDF cannot be made (everything else works)." >&2
fi
