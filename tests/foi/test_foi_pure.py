"""The FOI core is pure Python: importing it (and computing findings) loads no Django."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_django() -> None:
    code = (
        "import sys\n"
        "import custodes.foi.findings, custodes.foi.states, custodes.foi.values, "
        "custodes.foi.request, custodes.foi.clock\n"
        "from custodes.foi.findings import knowledge_maker\n"
        "assert knowledge_maker()('DJI Mavic 3') == 'DJI'\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
