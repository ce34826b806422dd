"""A live picture for the scan and photo dialogs: the laptop's webcam through
QtMultimedia (PySide6-Addons), or any ``QVideoFrameInput`` (tests play rendered
card frames through it, the same path a camera's frames take)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def load_multimedia() -> tuple[Any, Any] | None:
    """``(QtMultimedia, QtMultimediaWidgets)`` or ``None`` when PySide6-Addons is not installed."""
    try:
        from PySide6 import QtMultimedia, QtMultimediaWidgets
    except ImportError:
        return None
    return QtMultimedia, QtMultimediaWidgets


class NoCamera(Exception):  # noqa: N818 - a condition, shown as a message
    """Why there is no picture: ``code`` is ``no_multimedia``, ``no_device`` or ``failed``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class VideoFeed(QObject):
    """Camera (or frame input) -> capture session -> a video widget whose sink the caller watches."""

    def __init__(self, mm: tuple[Any, Any] | None, parent: QWidget, frame_input: Any = None) -> None:
        super().__init__(parent)
        if mm is None:
            raise NoCamera("no_multimedia")
        qtmm, qtmmw = mm
        self.camera: Any = None
        try:
            device = None
            if frame_input is None:
                device = qtmm.QMediaDevices.defaultVideoInput()
                if device.isNull():
                    raise NoCamera("no_device")
            self.capture = qtmm.QMediaCaptureSession(self)
            if frame_input is not None:
                self.capture.setVideoFrameInput(frame_input)
            else:
                self.camera = qtmm.QCamera(device, self)
                self.capture.setCamera(self.camera)
            self.video = qtmmw.QVideoWidget(parent)
            self.capture.setVideoOutput(self.video)
            self.sink = self.video.videoSink()
            if self.camera is not None:
                self.camera.start()
        except NoCamera:
            raise
        except Exception as exc:  # noqa: BLE001 - driver trouble must not take the app down
            raise NoCamera("failed") from exc

    def latest_image(self) -> QImage:
        """The picture shown now (a null image before the first frame)."""
        image: QImage = self.sink.videoFrame().toImage()
        return image

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
