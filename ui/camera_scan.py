"""扫描卡片: read a visit card's QR code with the laptop's webcam.

QtMultimedia ships in PySide6-Addons, which the slim build (PySide6-Essentials)
lacks, and many cheap laptops have no working camera: both cases show a
translated message and a field to paste or type the payload instead. The
modules are imported only when the dialog opens.

Frames come from ``QVideoSink.videoFrameChanged``; at most ``MAX_FPS`` of them
are converted and decoded, on a pool thread of the dialog's own (never the store
worker, which may be busy with a sync). A payload found is emitted as
``scanned(payload)``, the same path the keyboard-wedge scanner takes.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.cards import looks_like_payload
from ui.video_feed import NoCamera, VideoFeed, load_multimedia

MAX_FPS = 5.0
MAX_DECODE_WIDTH = 1280  # larger frames are scaled down first: zxing is fast enough at 720p


def find_payload(image: QImage) -> str | None:
    """The first card payload in ``image`` (other QR codes are ignored)."""
    from ui.scan_decode import decode_payloads

    if image.isNull():
        return None
    if image.width() > MAX_DECODE_WIDTH:
        image = image.scaledToWidth(MAX_DECODE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    for text in decode_payloads(image):
        if looks_like_payload(text):
            return text
    return None


class _DecodeSignals(QObject):
    found = Signal(object)  # str | None


class _DecodeJob(QRunnable):
    def __init__(self, image: QImage) -> None:
        super().__init__()
        self.image = image
        self.signals = _DecodeSignals()

    def run(self) -> None:
        try:
            res = find_payload(self.image)
        except Exception:  # noqa: BLE001 - a bad frame is skipped, the next one is tried
            res = None
        self.signals.found.emit(res)


def no_camera_text(w: QWidget, code: str) -> str:
    """Why there is no picture, in the UI language."""
    if code == "no_multimedia":
        return w.tr("The camera cannot be used: this copy of Fieldapp was installed without camera support.")
    if code == "no_device":
        return w.tr("No camera was found on this laptop.")
    return w.tr("The camera could not be started.")


class CameraScanDialog(QDialog):
    """Live camera view; closes itself and emits ``scanned`` when a card payload is read."""

    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None, multimedia: Any = "auto",
                 clock: Any = time.monotonic, frame_input: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scan card with camera"))
        self.clock = clock
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.in_flight = False
        self.last_submit = -1e9
        self.feed: VideoFeed | None = None
        self.video: QWidget | None = None
        self._jobs: list[_DecodeJob] = []
        lay = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("camera_message")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.view_box = QVBoxLayout()
        lay.addLayout(self.view_box, 1)
        manual = QHBoxLayout()
        self.manual = QLineEdit()
        self.manual.setPlaceholderText(self.tr("Or paste / type the code printed under the QR code (FV1…)"))
        self.manual_button = QPushButton(self.tr("Open"))
        manual.addWidget(self.manual, 1)
        manual.addWidget(self.manual_button)
        lay.addLayout(manual)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.manual.returnPressed.connect(self.submit_manual)
        self.manual_button.clicked.connect(self.submit_manual)
        self.camera_ok = self._start_camera(load_multimedia() if multimedia == "auto" else multimedia, frame_input)
        self.resize(720, 600 if self.camera_ok else 240)

    # ----- camera -----------------------------------------------------------------------
    def _start_camera(self, mm: tuple[Any, Any] | None, frame_input: Any = None) -> bool:
        try:
            self.feed = VideoFeed(mm, self, frame_input)
        except NoCamera as exc:
            self._no_camera(no_camera_text(self, exc.code))
            return False
        self.video = self.feed.video
        self.feed.sink.videoFrameChanged.connect(self.on_frame)
        if self.feed.camera is not None:
            self.feed.camera.errorOccurred.connect(self._camera_error)
        self.view_box.addWidget(self.video)
        self.message.setText(self.tr("Hold the card's QR code in front of the camera."))
        return True

    def _no_camera(self, why: str) -> None:
        self.message.setText(why + " " + self.tr("Paste or type the card code below instead, or use the USB "
                                                 "barcode scanner."))
        self.manual.setFocus()

    def _camera_error(self, *_: Any) -> None:
        self.stop()
        self._no_camera(self.tr("The camera could not be started."))

    def stop(self) -> None:
        if self.feed is not None:
            self.feed.stop()

    # ----- frames -------------------------------------------------------------------------
    def on_frame(self, frame: Any) -> None:
        """A frame from the sink: decode it off the UI thread, at most ``MAX_FPS`` per second."""
        now = self.clock()
        if self.in_flight or now - self.last_submit < 1.0 / MAX_FPS:
            return
        image = frame.toImage()
        if image.isNull():
            return
        self.submit(image)

    def submit(self, image: QImage) -> None:
        self.in_flight = True
        self.last_submit = self.clock()
        job = _DecodeJob(image.copy())
        job.signals.found.connect(self._decoded)
        self._jobs.append(job)
        self.pool.start(job)

    @Slot(object)
    def _decoded(self, payload: object) -> None:
        self.in_flight = False
        self._jobs = [j for j in self._jobs if j.signals is not self.sender()]
        if isinstance(payload, str) and self.isVisible():
            self._emit(payload)

    def process_frame(self, image: QImage) -> str | None:
        """Decode one frame on the calling thread (tests, and a one-off still image)."""
        return find_payload(image)

    # ----- results ----------------------------------------------------------------------
    def submit_manual(self) -> None:
        text = self.manual.text().strip()
        if not text:
            return
        if not looks_like_payload(text):
            self.message.setText(self.tr("That is not a visit card code. It starts with FV1 and is printed under "
                                         "the QR code."))
            return
        self._emit(text)

    def _emit(self, payload: str) -> None:
        self.stop()
        self.accept()
        self.scanned.emit(payload)

    def done(self, r: int) -> None:  # noqa: D102 - stop the camera however the dialog ends
        self.stop()
        self.pool.clear()
        super().done(r)
