"""走访 form, rendered from the form definition: one section per page with a
section list, one block per member for the per-member section, inline
validation, a live verdict panel, autosave of the draft on every field change,
and finalise with a summary."""

from __future__ import annotations

import copy
import functools
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.codes import canonical, label
from fieldapp.errors import FieldappError
from fieldapp.forms import Form, Section, load_form, set_path
from fieldapp.idnumber import age_on
from ui.badges import VERDICT_COLOURS, VerdictBadges, reason_text
from ui.errors import show_error
from ui.field_editors import EnterMovesOn, FieldEditor
from ui.photos import PhotoStrip
from ui.session import Session

TYPING_SAVE_MS = 1000
ADULT_AGE = 18
PREFILL_FROM_MEMBER = ("schooling", "medical_insurance", "serious_illness_insurance", "health", "labour",
                       "work_location", "work_months")


class _Row:
    """One field on screen: its answer path, editor, label and message line."""

    def __init__(self, path: str, editor: FieldEditor, label_w: QLabel, message: QLabel, item: tuple[str, str] | None) -> None:
        self.path = path
        self.editor = editor
        self.label = label_w
        self.message = message
        self.item = item  # (section code, item key) for repeated sections


class VisitForm(QWidget):
    """The visit being recorded for one household."""

    finalised = Signal(str, str)  # household id, visit id
    closed = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = session.short_lang
        self.form: Form = load_form("visit")
        self.hid: str | None = None
        self.visit_id: str | None = None
        self.answers: dict[str, Any] = {}
        self.members: list[dict[str, Any]] = []
        self.rows: list[_Row] = []
        self.list_items: dict[str, int] = {}
        self.last_messages: list[Any] = []
        self.enter_filter = EnterMovesOn(self._move_on, self)
        # What is typed is saved once typing pauses, so a crash or a flat battery loses at most this much.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_SAVE_MS)
        self._typing.timeout.connect(self._save_typing)

        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.25)
        self.title.setFont(f)
        head.addWidget(self.title, 1)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("hint")
        head.addWidget(self.saved_label)
        # Away from the Tab path (it used to follow "Next section": one Enter too many threw
        # the draft away); reachable by its shortcut, and its question defaults to No.
        self.discard_button = QPushButton(self.tr("Discard draft"))
        self.discard_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.discard_button.setAutoDefault(False)
        head.addWidget(self.discard_button)
        lay.addLayout(head)

        split = QSplitter()
        self.sections = QListWidget()
        self.sections.setObjectName("sections")
        self.sections.setMaximumWidth(190)
        split.addWidget(self.sections)
        self.pages = QStackedWidget()
        split.addWidget(self.pages)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        live = QGroupBox(self.tr("Live verdict"))
        ll = QVBoxLayout(live)
        self.overall = QLabel()
        self.overall.setObjectName("overall")
        ll.addWidget(self.overall)
        self.badges = VerdictBadges(self.lang, compact=True)
        ll.addWidget(self.badges)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setObjectName("hint")
        ll.addWidget(self.problems_label)
        sl.addWidget(live)
        self.photos = PhotoStrip(session)
        self.photos.ensure_visit = self._ensure_draft
        sl.addWidget(self.photos)
        sl.addStretch(1)
        split.addWidget(side)
        side.setMaximumWidth(360)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 1)
        split.setSizes([170, 820, 340])
        lay.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.summary_label = QLabel()
        bottom.addWidget(self.summary_label, 1)
        self.prev_button = QPushButton(self.tr("Previous section"))
        self.next_button = QPushButton(self.tr("Next section"))
        self.finalise_button = QPushButton(self.tr("Finalise visit…"))
        self.finalise_button.setObjectName("finalise")
        for b in (self.prev_button, self.next_button, self.finalise_button):
            b.setAutoDefault(False)
            bottom.addWidget(b)
        lay.addLayout(bottom)
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.prev_button.clicked.connect(lambda: self.go_section(self.sections.currentRow() - 1))
        self.next_button.clicked.connect(lambda: self.go_section(self.sections.currentRow() + 1))
        self.finalise_button.clicked.connect(lambda: self.finalise())
        self.discard_button.clicked.connect(self.discard)
        for keys, slot in ((("Ctrl+PgDown",), lambda: self.go_section(self.sections.currentRow() + 1)),
                           (("Ctrl+PgUp",), lambda: self.go_section(self.sections.currentRow() - 1)),
                           (("Ctrl+Return", "Ctrl+Enter"), lambda: self.finalise()),
                           (("Ctrl+Shift+Delete",), self.discard)):
            for k in keys:
                sc = QShortcut(QKeySequence(k), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)
        self.set_empty()

    # ----- building ------------------------------------------------------------------
    def set_empty(self) -> None:
        self.hid = None
        self.visit_id = None
        self.answers = {}
        self._clear_pages()
        self.title.setText(self.tr("No visit in progress"))
        self.saved_label.clear()
        self.summary_label.setText(self.tr("Open a household and press “New visit”."))
        self.badges.set_verdicts({}, {})
        self.overall.clear()
        self.problems_label.clear()
        self.photos.set_visit(None, None)
        for b in (self.prev_button, self.next_button, self.discard_button, self.finalise_button):
            b.setEnabled(False)
        self._typing.stop()

    def _clear_pages(self) -> None:
        self.rows = []
        self.sections.clear()
        while self.pages.count():
            w = self.pages.widget(0)
            if w is None:
                break
            self.pages.removeWidget(w)
            w.deleteLater()

    def start(self, hid: str, resume: bool = True) -> None:
        """Open the form for a household, resuming its unfinished draft if there is one."""
        from fieldapp import overview

        def load(a: Any) -> Any:
            rec = a.household_record(hid)
            draft = overview.open_draft(a, hid) if resume else None
            return rec, a.members(hid), draft

        rec, members, draft = self.session.call(load)
        self.hid = hid
        self.members = members
        self.visit_id = draft["id"] if draft else None
        self.answers = copy.deepcopy(draft["answers"]) if draft else self._initial_answers()
        self.list_items = {s.code: max(1, len(self.answers.get(s.code) or [])) for s in self.form.sections
                           if s.is_repeat and not s.per_member}
        self.title.setText(self.tr("Visit: %1").replace("%1", str(rec.get("head_name") or "")))
        self._build()
        for b in (self.prev_button, self.next_button, self.discard_button, self.finalise_button):
            b.setEnabled(True)
        self.saved_label.setText(self.tr("Draft resumed") if draft else "")
        self.photos.set_visit(hid, self.visit_id)
        self.refresh()
        self.sections.setCurrentRow(0)
        self.focus_first()

    def _initial_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {"visit": {"type": "home"}, "members": {}}
        today = date.today()
        for m in self.members:
            prefill = {k: m[k] for k in PREFILL_FROM_MEMBER if m.get(k) not in (None, "", [])}
            if "schooling" in prefill:
                # Older records say "finished": offer its new code, "graduated".
                prefill["schooling"] = canonical("schooling", prefill["schooling"])
            elif _age(m, today) is not None and (_age(m, today) or 0) >= ADULT_AGE:
                # An adult is almost always past school: the last entry, preselected (it can be changed).
                prefill["schooling"] = "graduated"
            answers["members"][m["id"]] = prefill
        answers["income"] = {"household_size": len(self.members)}
        return answers

    def _build(self) -> None:
        self._clear_pages()
        lang = self.lang
        for sec in self.form.sections:
            self.sections.addItem(sec.text(lang))
            page = QWidget()
            pl = QVBoxLayout(page)
            if sec.help:
                hint = QLabel(_text(sec.help, lang))
                hint.setWordWrap(True)
                hint.setObjectName("hint")
                pl.addWidget(hint)
            if sec.per_member:
                for m in self.members:
                    box = QGroupBox(f"{m.get('name') or ''} · {label('relation', m.get('relation') or 'other', lang)}")
                    form = QFormLayout(box)
                    self._add_fields(form, sec, ("members", m["id"]))
                    pl.addWidget(box)
            elif sec.is_repeat:
                for i in range(self.list_items.get(sec.code, 1)):
                    box = QGroupBox(f"{sec.text(lang)} {i + 1}")
                    form = QFormLayout(box)
                    self._add_fields(form, sec, (sec.code, str(i)))
                    pl.addWidget(box)
                if (sec.max_items or 99) > self.list_items.get(sec.code, 1):
                    more = QPushButton(self.tr("Add another"))
                    more.setAutoDefault(False)
                    more.clicked.connect(lambda _=False, code=sec.code: self._add_item(code))
                    pl.addWidget(more, 0, Qt.AlignmentFlag.AlignLeft)
            else:
                form = QFormLayout()
                self._add_fields(form, sec, None)
                pl.addLayout(form)
            pl.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.pages.addWidget(scroll)
        for row in self.rows:
            row.editor.set_value(self._get(row.path))

    def _add_fields(self, form: QFormLayout, sec: Section, item: tuple[str, str] | None) -> None:
        lang = self.lang
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for f in sec.fields:
            path = f"{item[0]}.{item[1]}.{f.code}" if item else f.code
            editor = FieldEditor(f, lang, functools.partial(self._field_changed, path))
            editor.setObjectName(path)
            editor.edited.connect(lambda ed=editor: self._typing_in(ed))
            for w in editor.inputs:
                w.installEventFilter(self.enter_filter)
            text = f.text(lang) + (" *" if f.required else "")
            lab = QLabel(text)
            lab.setWordWrap(True)
            lab.setBuddy(editor.inputs[0])
            if f.help:
                lab.setToolTip(_text(f.help, lang))
                editor.setToolTip(_text(f.help, lang))
            msg = QLabel()
            msg.setWordWrap(True)
            msg.setVisible(False)
            box = QWidget()
            bl = QVBoxLayout(box)
            bl.setContentsMargins(0, 0, 0, 0)
            bl.setSpacing(1)
            bl.addWidget(editor)
            bl.addWidget(msg)
            form.addRow(lab, box)
            self.rows.append(_Row(path, editor, lab, msg, item))

    def _add_item(self, code: str) -> None:
        self._collect()
        self.list_items[code] = self.list_items.get(code, 1) + 1
        current = self.sections.currentRow()
        self._build()
        self.refresh()
        self.sections.setCurrentRow(current)

    # ----- answers -------------------------------------------------------------------
    def _get(self, path: str) -> Any:
        node: Any = self.answers
        for part in path.split("."):
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def _collect(self) -> dict[str, Any]:
        """Answers from the editors (list sections as lists without empty items)."""
        answers: dict[str, Any] = {k: v for k, v in self.answers.items() if k not in ("members",)}
        answers["members"] = {mid: dict(v) for mid, v in (self.answers.get("members") or {}).items()}
        lists: dict[str, dict[int, dict[str, Any]]] = {}
        for row in self.rows:
            value = row.editor.value()
            if row.item is None:
                answers = set_path(answers, row.path, value)
            elif row.item[0] == "members":
                item = answers["members"].setdefault(row.item[1], {})
                if value is None:
                    item.pop(row.editor.field.code, None)
                else:
                    item[row.editor.field.code] = value
            else:
                slot = lists.setdefault(row.item[0], {}).setdefault(int(row.item[1]), {})
                if value is not None:
                    slot[row.editor.field.code] = value
        for code, items in lists.items():
            answers[code] = [items[i] for i in sorted(items) if items[i]]
        self.answers = _drop_empty(answers)
        return self.answers

    def _field_changed(self, path: str) -> None:
        self._collect()
        self.autosave()
        self.refresh()

    def autosave(self, card_scan: str | None = None) -> None:
        if not self.hid:
            return
        hid, answers, vid = self.hid, copy.deepcopy(self.answers), self.visit_id
        try:
            self.visit_id = self.session.call(lambda a: a.save_draft(hid, answers, vid, card_scan=card_scan))
        except FieldappError as exc:
            show_error(self, exc)
            return
        self.photos.set_visit(hid, self.visit_id)
        from datetime import datetime

        self.saved_label.setText(self.tr("Draft saved %1").replace("%1", datetime.now().strftime("%H:%M:%S")))

    def _typing_in(self, editor: FieldEditor) -> None:
        self._typing.start()

    def _save_typing(self) -> None:
        """Typing paused: save the draft with what is in every editor now."""
        if not self.hid:
            return
        self._collect()
        self.autosave()
        self.show_messages(final=False)

    def commit_pending(self) -> None:
        """Save the field being edited now (before a lock, when the app loses focus, on close)."""
        if not self.hid or self.session.app is None:
            return
        focus = self.focusWidget()
        row = self._row_of(focus) if focus is not None else None
        if row is not None:
            row.editor.commit()
        if self._typing.isActive() or row is None:
            self._typing.stop()
            self._save_typing()

    def place(self) -> tuple[int, str | None]:
        """Where the user is: the section shown and the answer path of the focused field."""
        focus = self.focusWidget()
        row = self._row_of(focus) if focus is not None else None
        return self.sections.currentRow(), row.path if row is not None else None

    def restore_place(self, section: int, path: str | None) -> None:
        self.go_section(section, focus=path is None)
        for row in self.rows:
            if row.path == path:
                self._focus_row(row)
                return

    def _ensure_draft(self) -> str | None:
        if self.visit_id is None:
            self.autosave()
        return self.visit_id

    def record_card_scan(self, payload: str) -> None:
        """A scanned card during the visit: stored as the visit's card_scan."""
        self.autosave(card_scan=payload)
        self.saved_label.setText(self.tr("Card scan recorded"))

    # ----- relevance, messages, live verdict -------------------------------------------------
    def refresh(self) -> None:
        if not self.hid:
            return
        answers = self.answers
        asked = {f.code for f in self.form.relevant_fields(answers)}
        for row in self.rows:
            if row.item is None:
                visible = row.path in asked
            else:
                item = (answers.get("members") or {}).get(row.item[1]) if row.item[0] == "members" else \
                    _list_item(answers.get(row.item[0]), int(row.item[1]))
                codes = {f.code for f in self.form.relevant_fields(answers, item or {}, row.item[0])}
                visible = row.editor.field.code in codes
            row.label.setVisible(visible)
            holder = row.editor.parentWidget()
            if holder is not None:
                holder.setVisible(visible)
        self.show_messages(final=False)
        self.update_verdict()

    def show_messages(self, final: bool) -> list[Any]:
        hid = self.hid
        if hid is None:
            return []
        pruned = self.form.prune_irrelevant(self.answers)
        msgs = self.session.call(lambda a: a.validate_visit(hid, pruned, final=final))
        self.last_messages = msgs
        by_path: dict[str, list[Any]] = {}
        for m in msgs:
            by_path.setdefault(m.field, []).append(m)
        placed = set()
        for row in self.rows:
            found = by_path.get(row.path, [])
            if found and not row.label.isHidden():
                placed.add(row.path)
                err = any(m.severity == "error" for m in found)
                row.message.setText("\n".join(m.text(self.lang) for m in found))
                row.message.setStyleSheet(f"color: {'#b71c1c' if err else '#8a5a00'};")
                row.message.setVisible(True)
            else:
                row.message.setVisible(False)
        errors = sum(1 for m in msgs if m.severity == "error")
        warnings = len(msgs) - errors
        other = [m for m in msgs if m.field not in placed]
        text = self.tr("%1 to fix, %2 to check").replace("%1", str(errors)).replace("%2", str(warnings))
        if other:
            text += " — " + other[0].text(self.lang)
        self.summary_label.setText(text)
        return msgs

    def update_verdict(self) -> dict[str, Any] | None:
        hid = self.hid
        if hid is None:
            return None
        # A value kept as typed ("abc" in a number field) has its message; the verdict skips it.
        ill_typed = {m.field for m in self.last_messages if m.code == "type"}
        pruned = self.form.prune_irrelevant(_without(self.answers, ill_typed))
        try:
            verdict = self.session.call(lambda a: a.evaluate(hid, pruned))
        except FieldappError:
            self.badges.set_verdicts({}, {})
            self.overall.setText(self.tr("Answers incomplete"))
            return None
        self.badges.set_assessment(verdict)
        ov = verdict.get("overall") or "unknown"
        fg, bg = VERDICT_COLOURS.get(ov, VERDICT_COLOURS["unknown"])
        self.overall.setText(self.tr("Overall: %1").replace("%1", label("verdict", ov, self.lang)))
        self.overall.setStyleSheet(f"QLabel {{ color: {fg}; background: {bg}; padding: 4px 8px; font-weight: bold; }}")
        problems = verdict.get("problems") or []
        self.problems_label.setText(
            "\n".join(f"• {label('indicator', p['indicator'], self.lang)}: {reason_text([p.get('reason') or ''], self.lang)}"
                      for p in problems))
        return verdict

    def focus_first(self) -> None:
        for row in self._rows_on(self.pages.currentIndex()):
            self._focus_row(row)
            return
        self.finalise_button.setFocus()

    def go_section(self, i: int, focus: bool = True) -> None:
        """Show section ``i`` (clamped) and put the cursor in its first question."""
        if not self.hid:
            return
        self.sections.setCurrentRow(max(0, min(i, self.sections.count() - 1)))
        if focus:
            self.focus_first()

    def _rows_on(self, page: int) -> list[_Row]:
        return [r for r in self.rows if not r.label.isHidden() and self.pages.indexOf(self._page_of(r)) == page]

    def _row_of(self, w: QWidget) -> _Row | None:
        for row in self.rows:
            if w is row.editor or w in row.editor.inputs:
                return row
        return None

    def _focus_row(self, row: _Row) -> None:
        w = row.editor.inputs[0]
        w.setFocus(Qt.FocusReason.TabFocusReason)
        scroll = self.pages.widget(self.pages.indexOf(self._page_of(row)))
        if isinstance(scroll, QScrollArea):
            scroll.ensureWidgetVisible(row.editor)

    def _move_on(self, w: QWidget) -> None:
        """Enter: commit this answer and go to the next question shown; after the last
        question of a section, to the first of the next; after the last section, to Finalise."""
        row = self._row_of(w)
        if row is None:
            w.focusNextChild()
            return
        row.editor.commit()
        page = self.pages.currentIndex()
        rows = self._rows_on(page)
        after = rows[rows.index(row) + 1:] if row in rows else []
        if after:
            self._focus_row(after[0])
        elif page + 1 < self.pages.count():
            self.go_section(page + 1)
        else:
            self.finalise_button.setFocus(Qt.FocusReason.TabFocusReason)

    def _page_of(self, row: _Row) -> QWidget:
        w: QWidget | None = row.editor
        while w is not None and w.parentWidget() is not None and self.pages.indexOf(w) < 0:
            w = w.parentWidget()
        return w or row.editor

    def editor(self, path: str) -> FieldEditor | None:
        for row in self.rows:
            if row.path == path:
                return row.editor
        return None

    # ----- finish ----------------------------------------------------------------------
    def finalise(self, confirm: bool = True) -> str | None:
        """Validate for real, show the summary, and record the visit; returns its id."""
        if not self.hid:
            return None
        self._collect()
        msgs = self.show_messages(final=True)
        errors = [m for m in msgs if m.severity == "error"]
        if errors:
            first = errors[0]
            for row in self.rows:
                if row.path == first.field:
                    self.sections.setCurrentRow(self.pages.indexOf(self._page_of(row)))
                    row.editor.inputs[0].setFocus()
                    break
            if confirm:
                QMessageBox.warning(self, self.tr("Visit not complete"),
                                    self.tr("%1 answers need fixing before the visit can be finalised.\nFirst: %2")
                                    .replace("%1", str(len(errors))).replace("%2", first.text(self.lang)))
            return None
        verdict = self.update_verdict() or {}
        if confirm:
            lines = [self.tr("Overall: %1").replace("%1", label("verdict", verdict.get("overall") or "unknown", self.lang))]
            for ind, res in (verdict.get("indicators") or {}).items():
                lines.append(f"{label('indicator', ind, self.lang)}: {label('verdict', res.get('verdict') or 'unknown', self.lang)}")
            problems = verdict.get("problems") or []
            if problems:
                lines.append("")
                lines.append(self.tr("Problems that will be added to the ledger:"))
                lines.extend(f"• {label('indicator', p['indicator'], self.lang)}: {reason_text([p.get('reason') or ''], self.lang)}" for p in problems)
            warnings = [m for m in msgs if m.severity == "warning"]
            if warnings:
                lines.append("")
                lines.append(self.tr("%1 answers to double-check (they do not block).").replace("%1", str(len(warnings))))
            lines.append("")
            lines.append(self.tr("A finalised visit can no longer be changed."))
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Finalise visit"), "\n".join(lines),
                              QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)
            box.button(QMessageBox.StandardButton.Ok).setText(self.tr("Finalise"))
            if box.exec() != QMessageBox.StandardButton.Ok:
                return None
        hid, vid = self.hid, self.visit_id
        answers = self.form.prune_irrelevant(self.answers)
        try:
            new_vid, _ = self.session.call(lambda a: a.record_visit(hid, answers, visit_id=vid))
        except FieldappError as exc:
            show_error(self, exc)
            return None
        self.set_empty()
        self.finalised.emit(hid, new_vid)
        self.session.notify(hid)
        return str(new_vid)

    def discard(self) -> None:
        if not self.hid:
            return
        no = QMessageBox.StandardButton.No
        if QMessageBox.question(self, self.tr("Discard draft"), self.tr("Throw away this unfinished visit?"),
                                QMessageBox.StandardButton.Yes | no, no) != QMessageBox.StandardButton.Yes:
            return
        hid, vid = self.hid, self.visit_id
        if vid:
            self.session.call(lambda a: a.discard_draft(vid))
        self.set_empty()
        self.closed.emit(hid)


def _text(labels: Any, lang: str) -> str:
    if not labels:
        return ""
    return str(labels.get("zh" if lang.startswith("zh") else "en") or labels.get("zh") or "")


def _list_item(items: Any, i: int) -> dict[str, Any] | None:
    if isinstance(items, list) and i < len(items):
        item = items[i]
        if isinstance(item, dict):
            return item
    return None


def _age(member: dict[str, Any], today: date) -> int | None:
    birth = member.get("birth_date")
    try:
        born = date.fromisoformat(str(birth)) if birth else None
    except ValueError:
        return None
    return age_on(born, today) if born else None


def _without(answers: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """A copy of ``answers`` without the values at ``paths`` (``section.field``,
    ``members.<id>.field``, ``list.<i>.field``)."""
    out = copy.deepcopy(answers)
    for path in paths:
        *parents, leaf = path.split(".")
        node: Any = out
        for part in parents:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                node = None
                break
        if isinstance(node, dict):
            node.pop(leaf, None)
    return out


def _drop_empty(answers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in answers.items():
        if isinstance(v, dict) and k != "members":
            inner = {ik: iv for ik, iv in v.items() if iv is not None}
            if inner:
                out[k] = inner
        elif v is not None:
            out[k] = v
    return out
