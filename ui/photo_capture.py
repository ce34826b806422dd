"""拍照: take a visit photo with the laptop's webcam. The picture shown when the
button is pressed is encoded to JPEG in memory and handed over as bytes (the
photo strip stores it encrypted); nothing is written to disk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.camera_scan import no_camera_text
from ui.video_feed import NoCamera, VideoFeed, load_multimedia

JPEG_QUALITY = 85


class PhotoCaptureDialog(QDialog):
    """Live view and a "Take photo" button; ``photo(bytes)`` for each photo taken."""

    photo = Signal(bytes)

    def __init__(self, parent: QWidget | None = None, multimedia: Any = "auto", frame_input: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Take a photo"))
        lay = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.take_button = QPushButton(self.tr("Take photo"))
        self.take_button.setDefault(True)
        self.feed: VideoFeed | None = None
        try:
            self.feed = VideoFeed(load_multimedia() if multimedia == "auto" else multimedia, self, frame_input)
        except NoCamera as exc:
            self.message.setText(no_camera_text(self, exc.code) + " " +
                                 self.tr("Add photos from a file instead."))
            self.take_button.setEnabled(False)
        else:
            lay.addWidget(self.feed.video, 1)
            self.message.setText(self.tr("Point the camera, then press Enter or “Take photo”."))
        lay.addWidget(self.take_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.take_button.clicked.connect(self.take)
        self.resize(720, 600 if self.feed is not None else 200)

    def take(self) -> bool:
        """Encode the picture shown now; False before the first frame."""
        if self.feed is None:
            return False
        image = self.feed.latest_image()
        if image.isNull():
            self.message.setText(self.tr("No picture from the camera yet; try again in a moment."))
            return False
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        # the stub types format as bytes, but PySide6 only accepts str here at runtime
        image.save(buf, "JPEG", JPEG_QUALITY)  # type: ignore[call-overload]
        buf.close()
        self.photo.emit(bytes(data.data()))
        self.message.setText(self.tr("Photo taken. Take another, or close."))
        return True

    def done(self, r: int) -> None:  # noqa: D102 - stop the camera however the dialog ends
        if self.feed is not None:
            self.feed.stop()
        super().done(r)
