"""The README's Python blocks, run as written: each must run, and every `print(...)  # text`
line must print exactly that text."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_a_python_block():
    assert BLOCKS


@pytest.mark.parametrize("code", BLOCKS)
def test_readme_block_runs(code):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    expected = re.findall(r"^\s*print\(.*\)\s+# (.*)$", code, flags=re.M)
    assert out.getvalue().splitlines() == expected
