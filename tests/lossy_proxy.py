"""A slow, lossy TCP link on loopback: every byte is forwarded with a delay per
chunk and a bandwidth limit, and chosen connections are cut after a number of
bytes in one direction (upload: the request is lost; download: the server did
the work but the answer is lost)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Cut:
    """Cut connection number ``conn`` (1-based) after ``after`` bytes going ``up`` or down."""

    conn: int
    after: int
    up: bool


@dataclass
class LossyProxy:
    target_port: int
    delay_s: float = 0.02
    bytes_per_s: int = 256 * 1024
    cuts: list[Cut] = field(default_factory=list)
    chunk: int = 4096

    def __post_init__(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.cut_done: list[int] = []
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                n = self.connections
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._socks += [client, upstream]
            cut = next((c for c in self.cuts if c.conn == n), None)
            for src, dst, up in ((client, upstream, True), (upstream, client, False)):
                t = threading.Thread(target=self._pump, args=(n, src, dst, cut if cut and cut.up == up else None,
                                                              (client, upstream)), daemon=True)
                t.start()
                self._threads.append(t)

    def _pump(self, n: int, src: socket.socket, dst: socket.socket, cut: Cut | None,
              pair: tuple[socket.socket, socket.socket]) -> None:
        sent = 0
        try:
            while not self._stop.is_set():
                data = src.recv(self.chunk)
                if not data:
                    break
                time.sleep(self.delay_s + len(data) / self.bytes_per_s)
                if cut is not None and sent + len(data) > cut.after:
                    dst.sendall(data[: max(cut.after - sent, 0)])
                    self.cut_done.append(n)
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        if cut is not None:
            for s in pair:  # a cut: both ends see the connection drop
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
        else:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for s in self._socks:
            with contextlib.suppress(OSError):
                s.close()
        for t in self._threads:
            t.join(2)
