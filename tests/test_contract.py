"""Run the shared CLI smoke check (../shared/checks/contract.sh) when it is beside the project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT.parent / "shared" / "checks" / "contract.sh"


@pytest.mark.skipif(not SCRIPT.exists(), reason="shared/checks/contract.sh is not beside this checkout")
def test_shared_contract_passes():
    env = dict(os.environ, FA=str(Path(sys.executable).parent / "fieldapp"))
    p = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert " 0 failed" in p.stdout
