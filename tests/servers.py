"""County servers for tests: a real ``fieldapp serve`` process on 127.0.0.1 (free port),
and a laptop enrolled directly with an in-process county."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FIELDAPP = str(Path(sys.executable).parent / "fieldapp")


class CountyServer:
    """``fieldapp serve`` with its data folder and database; ``admin`` runs ``fieldapp admin`` on them."""

    def __init__(self, data: Path, db: str | None = None, county: str = "370303") -> None:
        from pg import free_port

        self.data, self.port, self.county = data, free_port(), county
        self.db = db or f"sqlite:///{data.parent / (data.name + '-county.db')}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        import httpx

        self.proc = subprocess.Popen([FIELDAPP, "serve", "--data", str(self.data), "--db", self.db, "--county",
                                      self.county, "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/api/v1/info", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode() if self.proc.stderr else "server died")
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def admin(self, *args: str) -> str:
        out = subprocess.run([FIELDAPP, "admin", "--data", str(self.data), "--db", self.db, *args],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()


def enrolled_laptop(county, home: Path, village: str = "370303102201", actor: str = "张书记"):  # type: ignore[no-untyped-def]
    """A fresh laptop store enrolled with the in-process ``county`` (no HTTP; its server URL leads nowhere)."""
    from conftest import PASS

    from fieldapp.services import Fieldapp
    from fieldapp.store import Store
    from sync import device as dv

    store = Store.create(home, PASS, county="370303")
    app = Fieldapp(store, actor=actor)
    code = county.create_enroll_code([village], actor)
    doc = county.enroll(code, store.device_id, **dv.public_keys(store), recovery_wrap=None)
    dv.save_enrollment(store, doc, "http://127.0.0.1:9")
    return app


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set (VmHWM), in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text("utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def chunked_upload(port: int, path: str, total: int, chunk: bytes,
                   headers: dict[str, str] | None = None) -> tuple[int, int]:
    """POST ``total`` bytes to 127.0.0.1:``port`` as a chunked body (no Content-Length) over a raw
    socket; returns (HTTP status, bytes sent before the server answered or closed)."""
    import socket

    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Transfer-Encoding: chunked",
            "Content-Type: application/octet-stream", *(f"{k}: {v}" for k, v in (headers or {}).items()), "", ""]
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall("\r\n".join(head).encode())
        try:
            while sent < total:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while b"\r\n" not in answer:
                part = sock.recv(4096)
                if not part:
                    break
                answer += part
        except ConnectionResetError:
            pass
    return int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/") else 0, sent
