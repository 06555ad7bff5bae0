"""The correction engine compiled with mypyc: the same source, about 1.4x faster.

The correction modules (``lexicon``, ``channel``, ``fields``, ``correct``) are plain, fully typed
Python; mypyc turns each into a C extension with the same behaviour. The build also compiles
``_lookup.c``, the delete-index lookup written in C, which ``lexicon`` uses when it is there.
The build goes to ``pipeline/_native/<digest>/`` (git-ignored), where ``digest`` hashes their
sources (Python and C), the Python version and mypyc's version, so an edited source never runs
stale compiled code: ``activate`` (called by ``pipeline/__init__``) puts that directory first on
the package's path only when it matches the sources as they are now.
Without a build, or with ``ARKHIV_PURE_PYTHON=1``, the pure-Python modules run.

Build: ``make native`` (``make test`` and ``make demo`` do it; about a minute, needs gcc).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import logging
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
NATIVE_ROOT = PACKAGE_DIR / "_native"
# Compiled in this order, each on its own: a module imports the others as any module would.
MODULES = ("lexicon", "channel", "fields", "correct")
# Written in C (the delete-index lookup, ``Lexicon._candidate_ids``), compiled beside them.
C_MODULES = ("_lookup",)
DISABLE_ENV = "ARKHIV_PURE_PYTHON"


def _mypy_version() -> str:
    try:
        return importlib.metadata.version("mypy")
    except importlib.metadata.PackageNotFoundError:
        return "none"


def digest(package_dir: Path = PACKAGE_DIR) -> str:
    """What the compiled modules must have been built from to be used."""
    h = hashlib.sha256(sys.version.encode())
    h.update(_mypy_version().encode())
    for name in MODULES:
        h.update((package_dir / f"{name}.py").read_bytes())
    for name in C_MODULES:
        h.update((package_dir / f"{name}.c").read_bytes())
    return h.hexdigest()[:16]


def build_dir(package_dir: Path = PACKAGE_DIR) -> Path:
    """Where the build for the current sources lives (a directory holding ``pipeline/``)."""
    return package_dir / "_native" / digest(package_dir)


def activate(package_path: list[str]) -> bool:
    """Put the matching compiled modules first on ``pipeline.__path__``; False if there are none."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    try:
        compiled = build_dir() / "pipeline"
    except OSError:
        return False  # sources unreadable (a zipped install): run them as they are
    if not _complete(compiled):
        return False
    if str(compiled) not in package_path:
        package_path.insert(0, str(compiled))
    return True


def _complete(compiled: Path) -> bool:
    """Whether ``compiled`` (a build's ``pipeline/``) holds every module of the build."""
    return all(any(compiled.glob(f"{name}.*.so")) for name in MODULES + C_MODULES)


def is_active() -> bool:
    """Whether the correction modules imported in this process are the compiled ones."""
    modules = [importlib.import_module(f"pipeline.{name}") for name in MODULES]
    return all(Path(module.__file__ or "").suffix == ".so" for module in modules)


def build(package_dir: Path = PACKAGE_DIR) -> Path:
    """Compile the modules for the current sources (no-op when built); returns the build dir.

    mypyc runs in a scratch copy of the sources outside the package (mypy names modules by
    the packages around them), and the result is moved into place with one rename, so a failed
    or killed build never leaves a half-built directory to be activated.
    """
    target = build_dir(package_dir)
    if _complete(target / "pipeline"):
        return target
    mypyc = Path(sys.executable).with_name("mypyc")
    if not mypyc.exists():
        raise RuntimeError(f"{mypyc}: mypyc is missing; install the project's dev extra (pip install -e '.[dev]')")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".partial-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="arkhiv-native-") as scratch:
        work = Path(scratch)
        (work / "pipeline").mkdir()
        (work / "pipeline" / "__init__.py").write_text("")
        for name in MODULES:
            shutil.copy2(package_dir / f"{name}.py", work / "pipeline" / f"{name}.py")
        for name in MODULES:
            log.info("compiling pipeline/%s.py with mypyc", name)
            _run_mypyc(mypyc, work, f"pipeline/{name}.py")
        for name in C_MODULES:
            log.info("compiling pipeline/%s.c", name)
            _compile_c(package_dir / f"{name}.c", work / "pipeline" / (name + _extension_suffix()))
        (partial / "pipeline").mkdir(parents=True)
        for so in (work / "pipeline").glob("*.so"):
            shutil.copy2(so, partial / "pipeline" / so.name)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    for stale in target.parent.iterdir():
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)  # builds of older sources, killed builds
    return target


def _run_mypyc(mypyc: Path, work: Path, source: str) -> None:
    result = subprocess.run(
        [str(mypyc), "--ignore-missing-imports", source], cwd=work, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"mypyc failed on {source}:\n" + "\n".join(tail))


def _extension_suffix() -> str:
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def _compile_c(source: Path, output: Path) -> None:
    """A one-file C extension, with the compiler and flags this Python was built with."""
    compiler = shlex.split(str(sysconfig.get_config_var("CC") or "cc"))
    include = sysconfig.get_paths()["include"]
    command = [*compiler, "-O2", "-shared", "-fPIC", f"-I{include}", str(source), "-o", str(output)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"{compiler[0]} failed on {source.name}:\n" + "\n".join(tail))


def main() -> int:
    """Build for the current sources; 1 with a one-line error when mypyc cannot."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        target = build()
    except RuntimeError as e:
        log.error("error: %s", e)
        return 1
    log.info("compiled correction modules in %s", target)
    return 0
