"""The ``infobits`` entry point itself: --version, and ``python -m infobits``."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

import infobits
from infobits.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--version"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out == f"infobits {infobits.__version__}\n"


def test_python_dash_m_runs_the_same_cli_and_exits_2_on_a_user_error() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "infobits", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and r.stdout == f"infobits {infobits.__version__}\n"
    r = subprocess.run(
        [sys.executable, "-m", "infobits", "compress", "--model", "lz77"],  # "-" now reads stdin
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("infobits: error: ") and r.stderr.count("\n") == 1


def test_ctrl_c_while_the_command_line_imports_its_modules_is_one_line_and_130() -> None:
    # An import that is interrupted: raised by the import system itself, as a Ctrl+C
    # arriving while NumPy, typer or rich load would be.
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'rich.console':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from infobits.cli import main\n"
        "main()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "explain"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 130 and r.stdout == ""
    assert r.stderr == "infobits: interrupted\n"


def test_a_real_sigint_during_start_up_prints_no_traceback() -> None:
    # Importing infobits.cli takes a few milliseconds; everything heavy is imported
    # inside main(), which says when it starts to.
    code = (
        "import infobits.cli as cli\n"
        "run = cli._run\n"
        "def announced(args):\n"
        "    print('starting', flush=True)\n"
        "    return run(args)\n"
        "cli._run = announced\n"
        "cli.main()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "explain", "--samples", "1000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "starting\n"
    proc.send_signal(signal.SIGINT)  # while NumPy, typer, rich and the commands import
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err and err in ("", "infobits: interrupted\n"), err
    assert proc.returncode == 130, (proc.returncode, err)


def test_importing_the_command_line_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "import infobits.cli\n"
        "print(sorted(m for m in ('numpy', 'typer', 'rich', 'scipy') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout == "[]\n"
