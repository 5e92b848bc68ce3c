"""What the evaluation-set builders share: reading a repository snapshot with git, and the text
a regular-expression fragment matches when it is a literal."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# A backslash before punctuation or a space: the character itself.
ESCAPED = re.compile(r"""\\([/.\- ()_:="'#&,;!@%<>])""")


def git(git_dir: Path, *args: str) -> bytes:
    """What ``git --git-dir GIT_DIR ARGS…`` prints (a snapshot has no work tree)."""
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True
    ).stdout


def literal(fragment: str, wildcards: re.Pattern[str]) -> str | None:
    """The text ``fragment`` matches when, escapes undone, it holds none of ``wildcards``."""
    text = ESCAPED.sub(r"\1", fragment)
    return None if wildcards.search(text) or not text.strip() else text.strip()
