"""The deployment zip for the handlers: zonecut and its runtime dependencies as built for
the Lambda runtime's platform (CPython 3.11 on manylinux2014 x86_64), whatever machine
builds it.

pip resolves and installs only binary wheels for that platform (``--platform
manylinux2014_x86_64 --only-binary=:all: --python-version 3.11 --implementation cp``),
so a Mac or Windows host never puts its own compiled modules into the zip; every
compiled module is checked afterwards. The zip is reproducible: sorted entries, one
fixed timestamp, fixed permissions.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import zonecut
from zonecut.errors import ZonecutError

PLATFORM = "manylinux2014_x86_64"
PYTHON = "3.11"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
LAMBDA_ZIP_LIMIT = 250 * 1024 * 1024
"""Lambda's limit for an unzipped deployment package (250 MB)."""
_EXTENSION = re.compile(r"\.(so(\.[0-9.]+)?|pyd|dylib|dll)$")
_LINUX_X86 = re.compile(r"(x86_64-linux-gnu|abi3)\.so$|\.so\.[0-9.]+$|^[^.]+\.so$")


class PackageError(ZonecutError):
    """The package could not be built, or would not run on Lambda."""


@dataclass(frozen=True)
class Package:
    path: Path
    files: int
    unzipped_bytes: int
    zipped_bytes: int


Runner = Callable[[Sequence[str]], None]


def _run(command: Sequence[str]) -> None:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise PackageError(f"pip failed ({done.returncode}): {' / '.join(tail)}")


def requirements() -> list[str]:
    """zonecut's own runtime requirements (no extras), from its installed metadata."""
    found = importlib.metadata.requires("zonecut") or []
    return sorted(r for r in found if "extra ==" not in r)


def pip_command(target: Path, wanted: Sequence[str], *, find_links: Path | None = None,
                constraint: Path | None = None) -> list[str]:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile",
               "--target", str(target), "--platform", PLATFORM, "--implementation", "cp",
               "--python-version", PYTHON, "--only-binary=:all:", "--upgrade"]
    if find_links is not None:
        command += ["--no-index", "--find-links", str(find_links)]
    if constraint is not None:
        command += ["--constraint", str(constraint)]
    return command + list(wanted)


def foreign_modules(root: Path) -> list[str]:
    """Compiled modules under ``root`` that are not for Linux x86_64 (relative paths)."""
    bad = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and _EXTENSION.search(path.name) \
                and not _LINUX_X86.search(path.name):
            bad.append(path.relative_to(root).as_posix())
    return bad


def copy_zonecut(target: Path) -> None:
    source = Path(zonecut.__file__).resolve().parent
    shutil.copytree(source, target / "zonecut", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def write_zip(root: Path, output: Path) -> Package:
    """Every file under ``root``, sorted, fixed time and permissions."""
    files = sorted(p for p in root.rglob("*") if p.is_file()
                   and "__pycache__" not in p.parts and p.suffix != ".pyc")
    size = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), FIXED_TIME)
            info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            size += len(data)
            archive.writestr(info, data)
    if size > LAMBDA_ZIP_LIMIT:
        raise PackageError(f"{output}: {size} bytes unzipped, over Lambda's 250 MB")
    return Package(output, len(files), size, output.stat().st_size)


def build(output: Path, *, find_links: Path | None = None, constraint: Path | None = None,
          run: Runner = _run) -> Package:
    with tempfile.TemporaryDirectory(prefix="zonecut-lambda-") as scratch:
        target = Path(scratch) / "package"
        target.mkdir()
        run(pip_command(target, requirements(), find_links=find_links,
                        constraint=constraint))
        bad = foreign_modules(target)
        if bad:
            raise PackageError(f"compiled modules not built for Linux x86_64: "
                               f"{', '.join(bad[:5])}")
        copy_zonecut(target)
        return write_zip(target, output)
