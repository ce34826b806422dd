"""Photos of a visit: taken with the webcam (:mod:`ui.photo_capture`) or chosen
from a file, and stored encrypted in the store (``add_attachment``); thumbnails
decoded in memory, never written to disk. Webcam capture needs QtMultimedia
(PySide6-Addons); without it, photos come from files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from ui.dialogs import open_files
from ui.errors import show_error
from ui.session import Session

MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def webcam_available() -> bool:
    """Whether QtMultimedia is installed; found without loading it (it is large and slow to load)."""
    import importlib.util

    try:
        return importlib.util.find_spec("PySide6.QtMultimedia") is not None
    except (ImportError, ValueError):
        return False


class PhotoStrip(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Photos"))
        self.session = session
        self.hid: str | None = None
        self.visit_id: str | None = None
        lay = QVBoxLayout(self)
        self.grid = QGridLayout()
        lay.addLayout(self.grid)
        self.add_button = QPushButton(self.tr("Add photo from file…"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.choose)
        self.camera_button = QPushButton(self.tr("Take photo with camera…"))
        self.camera_button.setAutoDefault(False)
        self.camera_button.clicked.connect(self.open_camera)
        self.camera_button.setVisible(webcam_available())
        lay.addWidget(self.camera_button)
        lay.addWidget(self.add_button)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        if not webcam_available():
            self.note.setText(self.tr("Camera capture is not available in this installation; add photos from a file."))
        lay.addWidget(self.note)
        self.thumbs: list[QLabel] = []
        self.ensure_visit: Callable[[], str | None] | None = None

    def set_visit(self, hid: str | None, visit_id: str | None) -> None:
        self.hid, self.visit_id = hid, visit_id
        self.add_button.setEnabled(hid is not None)
        self.camera_button.setEnabled(hid is not None)
        self.reload()

    def reload(self) -> None:
        for t in self.thumbs:
            t.deleteLater()
        self.thumbs = []
        if not self.visit_id or self.session.app is None:
            return
        vid = self.visit_id
        items = self.session.call(lambda a: a.attachments(visit_id=vid))
        for i, item in enumerate(items):
            pix = QPixmap()
            pix.loadFromData(item["data"])
            lab = QLabel()
            lab.setPixmap(pix.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            lab.setToolTip((item.get("created_at") or "")[:16])
            self.grid.addWidget(lab, i // 3, i % 3)
            self.thumbs.append(lab)

    def choose(self) -> None:
        files = open_files(self, self.tr("Choose photos"), "", self.tr("Images (*.jpg *.jpeg *.png *.webp)"))
        for f in files:
            self.add_file(Path(f))

    def open_camera(self, frame_input: object = None) -> object:
        """The webcam dialog; each photo taken joins this visit."""
        from ui.photo_capture import PhotoCaptureDialog

        dlg = PhotoCaptureDialog(self, frame_input=frame_input)
        dlg.photo.connect(lambda data: self.add_bytes(data, "image/jpeg"))
        dlg.open()
        return dlg

    def add_file(self, path: Path) -> str | None:
        return self.add_bytes(path.read_bytes(), MIME.get(path.suffix.lower(), "application/octet-stream"))

    def add_bytes(self, data: bytes, mime: str) -> str | None:
        hid = self.hid
        if hid is None:
            return None
        vid = self.visit_id
        if vid is None and self.ensure_visit is not None:
            vid = self.ensure_visit()  # the form saves its draft first, so the photo joins that visit
            self.visit_id = vid
        try:
            aid = self.session.call(lambda a: a.add_attachment(hid, data, visit_id=vid, mime=mime))
        except FieldappError as exc:
            show_error(self, exc)
            return None
        self.reload()
        return str(aid)
