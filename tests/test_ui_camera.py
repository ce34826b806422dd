"""The webcam scan dialog without a camera: frames like a webcam's through
``process_frame`` and the throttled frame path, and the no-camera fallback."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import PASS, household_input
from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from fieldapp.services import Fieldapp
from fieldapp.store import Store
from ui.autolock import IdleLock
from ui.camera_scan import CameraScanDialog, load_multimedia
from ui.errors import set_language
from ui.main_window import MainWindow
from ui.scanner import ScannerFilter
from ui.session import Session


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    home = tmp_path_factory.mktemp("cam") / "home"
    app = Fieldapp(Store.create(home, PASS, county="370303"), actor="张书记")
    hid = app.add_household(household_input())
    card = app.issue_cards([hid])[0]
    app.store.close()
    return home, hid, card


def card_image(card) -> QImage:
    from ui.cards_render import paint_card

    image = QImage(874, 620, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    paint_card(p, QRectF(30, 30, 814, 560), card, "zh")
    p.end()
    return image


def webcam_frame(page: QImage, angle: float = 7.0, blur: float = 2.0) -> QImage:
    """The card on a table, turned by ``angle`` degrees, softened like a cheap webcam's 720p frame."""
    w, h = 1280, 720
    frame = QImage(w, h, QImage.Format.Format_RGB32)
    frame.fill(QColor(0x8B, 0x6F, 0x4E))
    t = math.radians(angle)
    box_w = page.width() * abs(math.cos(t)) + page.height() * abs(math.sin(t))
    box_h = page.width() * abs(math.sin(t)) + page.height() * abs(math.cos(t))
    scale = 0.9 * min(w / box_w, h / box_h)
    tr = QTransform()
    tr.translate(w / 2, h / 2)
    tr.rotate(angle)
    tr.scale(scale, scale)
    tr.translate(-page.width() / 2, -page.height() / 2)
    p = QPainter(frame)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    p.setTransform(tr)
    p.drawImage(0, 0, page)
    p.end()
    small = frame.scaled(round(w / blur), round(h / blur), Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    return small.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)


def test_process_frame_reads_a_turned_blurred_card(qtbot, issued):
    _home, _hid, card = issued
    dlg = CameraScanDialog(multimedia=None)
    qtbot.addWidget(dlg)
    frame = webcam_frame(card_image(card), 7.0, 2.0)
    assert dlg.process_frame(frame) == card.payload
    assert dlg.process_frame(webcam_frame(card_image(card), -7.0, 1.5)) == card.payload
    empty = QImage(640, 480, QImage.Format.Format_RGB32)
    empty.fill(QColor("gray"))
    assert dlg.process_frame(empty) is None


class Frame:
    def __init__(self, image: QImage) -> None:
        self.image = image

    def toImage(self) -> QImage:  # noqa: N802 - QVideoFrame API
        return self.image


def test_frames_are_throttled_and_decoded_off_the_ui_thread(qtbot, issued):
    _home, _hid, card = issued
    now = [100.0]
    dlg = CameraScanDialog(multimedia=None, clock=lambda: now[0])
    qtbot.addWidget(dlg)
    dlg.show()
    got: list[str] = []
    dlg.scanned.connect(got.append)
    blank = QImage(1280, 720, QImage.Format.Format_RGB32)
    blank.fill(QColor("gray"))
    dlg.on_frame(Frame(blank))
    assert dlg.in_flight
    dlg.on_frame(Frame(webcam_frame(card_image(card))))  # dropped: a frame is still being decoded
    qtbot.waitUntil(lambda: not dlg.in_flight, timeout=10000)
    now[0] += 0.05
    dlg.on_frame(Frame(webcam_frame(card_image(card))))  # dropped: at most 5 frames a second
    assert not dlg.in_flight and got == []
    now[0] += 0.2
    dlg.on_frame(Frame(webcam_frame(card_image(card))))
    qtbot.waitUntil(lambda: got == [card.payload], timeout=10000)
    assert not dlg.isVisible()  # closed once the card was read


def test_without_qtmultimedia_the_dialog_says_so_and_takes_a_typed_code(qtbot, issued):
    _home, _hid, card = issued
    dlg = CameraScanDialog()  # PySide6-Essentials: QtMultimedia is not there
    qtbot.addWidget(dlg)
    if load_multimedia() is None:
        assert not dlg.camera_ok
        assert "without camera support" in dlg.message.text() and "Paste or type" in dlg.message.text()
    dlg.show()
    got: list[str] = []
    dlg.scanned.connect(got.append)
    dlg.manual.setText("hello")
    dlg.submit_manual()
    assert got == [] and "not a visit card code" in dlg.message.text()
    dlg.manual.setText(card.payload)
    dlg.submit_manual()
    assert got == [card.payload] and not dlg.isVisible()


def test_no_camera_device_message(qtbot):
    device = SimpleNamespace(isNull=lambda: True)
    fake_mm = SimpleNamespace(QMediaDevices=SimpleNamespace(defaultVideoInput=lambda: device))
    dlg = CameraScanDialog(multimedia=(fake_mm, None))
    qtbot.addWidget(dlg)
    assert not dlg.camera_ok and "No camera was found" in dlg.message.text()


def test_camera_scan_from_the_household_list_opens_the_household(qtbot, issued, tmp_path):
    home, hid, card = issued
    set_language("en")
    session = Session(Path(home), "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(session, idle=IdleLock(10), scanner=ScannerFilter())
    qtbot.addWidget(win)
    win.show()
    app = Fieldapp(Store.open(home, PASS), actor="张书记")
    try:
        win.on_opened(app)
        session.worker.wait()
        win.households.camera_button.click()
        dlg = win.findChild(CameraScanDialog)
        assert dlg is not None and dlg.isVisible()
        dlg.manual.setText(card.payload)
        dlg.submit_manual()
        assert win.household.hid == hid and win.tabs.currentWidget() is win.household
    finally:
        session.worker.wait()
        session.lock_now()


# ----- through QtMultimedia, with a fake video source playing rendered card frames --------------
def _frame_input():
    mm = load_multimedia()
    if mm is None:
        pytest.skip("PySide6-Addons (QtMultimedia) is not installed")
    return mm[0].QVideoFrameInput(), mm[0].QVideoFrame


def _play(qtbot, source, frame_type, images, until, timeout_s: float = 20.0) -> None:
    """Send the frames over and over, about 15 a second like a webcam, until ``until()``."""
    import time

    deadline = time.monotonic() + timeout_s
    i = 0
    while not until():
        assert time.monotonic() < deadline, "the frames never got through"
        source.sendVideoFrame(frame_type(images[i % len(images)]))
        i += 1
        qtbot.wait(66)


def test_camera_scan_reads_a_card_from_a_fake_video_source(qtbot, issued):
    _home, _hid, card = issued
    source, frame_type = _frame_input()
    dlg = CameraScanDialog(frame_input=source)
    qtbot.addWidget(dlg)
    assert dlg.camera_ok and dlg.video is not None
    dlg.show()
    got: list[str] = []
    dlg.scanned.connect(got.append)
    blank = QImage(1280, 720, QImage.Format.Format_RGB32)
    blank.fill(QColor(0x8B, 0x6F, 0x4E))
    frames = [blank, webcam_frame(card_image(card), 5.0, 2.0), webcam_frame(card_image(card), -6.0, 1.5)]
    _play(qtbot, source, frame_type, frames, lambda: bool(got))
    assert got == [card.payload] and not dlg.isVisible()


def test_photo_from_a_fake_video_source_is_stored_encrypted(qtbot, issued, tmp_path):
    from ui.photos import PhotoStrip

    home, hid, card = issued
    source, frame_type = _frame_input()
    session = Session(Path(home), "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    app = Fieldapp(Store.open(home, PASS), actor="张书记")
    session.attach(app)
    try:
        vid = app.save_draft(hid, {"visit": {"type": "home"}})
        strip = PhotoStrip(session)
        qtbot.addWidget(strip)
        strip.set_visit(hid, vid)
        assert strip.camera_button.isVisible() or not strip.isVisible()
        dlg = strip.open_camera(frame_input=source)
        qtbot.addWidget(dlg)
        assert not dlg.take()  # no picture yet
        page = card_image(card)
        _play(qtbot, source, frame_type, [page], lambda: not dlg.feed.latest_image().isNull())
        assert dlg.take()
        items = app.attachments(visit_id=vid)
        assert len(items) == 1 and items[0]["data"][:2] == b"\xff\xd8"  # a JPEG, kept inside the store
        assert len(strip.thumbs) == 1
        dlg.reject()
    finally:
        session.lock_now()


def test_photo_dialog_without_a_camera_says_so(qtbot):
    from ui.photo_capture import PhotoCaptureDialog

    dlg = PhotoCaptureDialog(multimedia=None)
    qtbot.addWidget(dlg)
    assert not dlg.take_button.isEnabled() and "without camera support" in dlg.message.text()
    assert "from a file" in dlg.message.text()
