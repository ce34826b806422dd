"""Form definitions as data (``resources/forms/{form_id}-v{version}.json``).

A form has sections; a section has fields. Field codes of ordinary sections are
dotted answer paths (``housing.grade``) that equal the assessment-input paths of
CLI.md, so stored answers map straight onto the verdict engine. Fields of a
repeated section (``members``, ``risks``, ``measures``) have bare codes
(``schooling``) and live inside each item: ``members.<member id>.schooling``,
``risks.0.code``.

Stored answers look like::

    {"visit": {...}, "food": {...}, "housing": {...}, ...,
     "members": {"<member id>": {"schooling": "grade7", ...}},
     "risks": [{"code": "R_ILL"}], "measures": [...], "notes": {"text": "..."}}

Conditions (relevance, constraints, ``required_if``) are JSON, never evaluated
strings: ``{"field": "housing.grade", "in": ["C", "D"]}``, ``{"all": [...]}``,
``{"any": [...]}``, ``{"not": cond}``. Leaf operators: ``eq``, ``ne``, ``in``,
``not_in``, ``contains``, ``truthy``, ``answered``, ``gt``, ``gte``, ``lt``,
``lte``; several on one leaf must all hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from fieldapp.errors import NotFound
from fieldapp.resources import load_json, resource_path

__all__ = [
    "FIELD_TYPES",
    "Condition",
    "Field",
    "Form",
    "Section",
    "available_versions",
    "evaluate",
    "form_from_dict",
    "get_path",
    "is_answered",
    "load_form",
    "set_path",
]

FIELD_TYPES = frozenset(
    {"bool", "choice", "multi_choice", "int", "number", "text", "date", "datetime"}
)

Condition = Mapping[str, Any]
"""A JSON condition object (see the module docstring)."""

Labels = Mapping[str, str]
"""``{"zh": ..., "en": ...}``."""


def _text(labels: Labels | None, lang: str) -> str:
    if not labels:
        return ""
    key = "zh" if lang.lower().startswith("zh") else "en"
    return str(labels.get(key) or labels.get("zh") or labels.get("en") or "")


@dataclass(frozen=True)
class Field:
    """One question of a form.

    Attributes:
        code: the answer path (ordinary sections) or the bare code inside a repeated item.
        section: code of the section holding the field.
        label: ``{"zh", "en"}``.
        type: one of :data:`FIELD_TYPES`.
        list_name: the code list of a ``choice``/``multi_choice`` field (JSON key ``list``).
        required: the answer is needed before the visit is finalised (when relevant).
        required_if: a condition that makes the field required (JSON key ``required_if``).
        min: lower bound of an ``int``/``number``.
        max: upper bound of an ``int``/``number``.
        unit: ``{"zh", "en"}`` shown after a number.
        help: ``{"zh", "en"}`` help text.
        relevant: condition under which the field is asked; ``None`` means always.
        constraint: condition a given answer must satisfy.
        constraint_message: ``{"zh", "en"}`` shown when the constraint fails.
        constraint_severity: ``"error"`` (default) or ``"warning"``.
        not_future: a date that may not lie after the visit date.
        in_repeat: the field belongs to a repeated section.
    """

    code: str
    section: str
    label: Labels
    type: str
    list_name: str | None = None
    required: bool = False
    required_if: Condition | None = None
    min: float | None = None
    max: float | None = None
    unit: Labels | None = None
    help: Labels | None = None
    relevant: Condition | None = None
    constraint: Condition | None = None
    constraint_message: Labels | None = None
    constraint_severity: str = "error"
    not_future: bool = False
    in_repeat: bool = False

    @property
    def key(self) -> str:
        """The form-wide unique key: the code, or ``<section>.<code>`` inside a repeated section."""
        return f"{self.section}.{self.code}" if self.in_repeat else self.code

    def text(self, lang: str = "zh") -> str:
        """The label in ``lang``."""
        return _text(self.label, lang)

    def unit_text(self, lang: str = "zh") -> str:
        """The unit in ``lang`` (empty when the field has none)."""
        return _text(self.unit, lang)

    def is_required(
        self, answers: Mapping[str, Any], item: Mapping[str, Any] | None = None
    ) -> bool:
        """Whether an answer is needed (ignores relevance; callers check that first)."""
        if self.required:
            return True
        return self.required_if is not None and evaluate(self.required_if, answers, item)


@dataclass(frozen=True)
class Section:
    """A group of fields, optionally repeated.

    ``repeat`` is ``None`` (asked once), ``"members"`` (once per household
    member, answers keyed by member id) or ``{"max": n}`` (a list of at most n
    items).
    """

    code: str
    title: Labels
    fields: tuple[Field, ...]
    help: Labels | None = None
    repeat: str | Mapping[str, Any] | None = None

    @property
    def is_repeat(self) -> bool:
        """Whether the section's answers are a collection of items."""
        return self.repeat is not None

    @property
    def per_member(self) -> bool:
        """Whether the section is answered once per member (answers keyed by member id)."""
        return self.repeat == "members"

    @property
    def max_items(self) -> int | None:
        """The item limit of a list section, ``None`` when unlimited or not a list."""
        if isinstance(self.repeat, Mapping):
            limit = self.repeat.get("max")
            return int(limit) if limit is not None else None
        return None

    def text(self, lang: str = "zh") -> str:
        """The title in ``lang``."""
        return _text(self.title, lang)


@dataclass(frozen=True)
class Form:
    """A versioned form definition."""

    form_id: str
    version: int
    title: Labels
    sections: tuple[Section, ...]

    def text(self, lang: str = "zh") -> str:
        """The title in ``lang``."""
        return _text(self.title, lang)

    @cached_property
    def _by_key(self) -> dict[str, Field]:
        return {f.key: f for s in self.sections for f in s.fields}

    def all_fields(self) -> Iterator[Field]:
        """Every field of every section, in form order."""
        for section in self.sections:
            yield from section.fields

    def section(self, code: str) -> Section:
        """The section ``code``.

        Raises:
            KeyError: if there is no such section.
        """
        for section in self.sections:
            if section.code == code:
                return section
        raise KeyError(f"form {self.form_id} v{self.version} has no section {code!r}")

    def field(self, code: str) -> Field:
        """Find a field by code.

        Accepts ``housing.grade``, ``members.schooling`` / ``risks.code`` (section
        plus bare code) and answer paths of items such as
        ``members.<member id>.schooling`` or ``risks.0.code``.

        Raises:
            KeyError: if no field matches.
        """
        found = self._by_key.get(code)
        if found is not None:
            return found
        parts = code.split(".")
        if len(parts) == 3:
            found = self._by_key.get(f"{parts[0]}.{parts[2]}")
            if found is not None and found.in_repeat:
                return found
        raise KeyError(f"form {self.form_id} v{self.version} has no field {code!r}")

    def relevant_fields(
        self,
        answers: Mapping[str, Any],
        member: Mapping[str, Any] | None = None,
        section: str | None = None,
    ) -> list[Field]:
        """The fields that are asked given the answers so far.

        Without ``member``: the fields of every non-repeated section. With
        ``member`` (one member's or one list item's answers): the fields of
        ``section`` (default: the per-member section). A field that depends on
        an unasked field is itself unasked, even if a stale answer remains.
        """
        if member is None:
            out: list[Field] = []
            working: Mapping[str, Any] = answers
            for sec in self.sections:
                if sec.is_repeat:
                    continue
                for f in sec.fields:
                    if evaluate(f.relevant, working):
                        out.append(f)
                    elif get_path(working, f.code) is not None:
                        working = set_path(working, f.code, None)
            return out
        sec = self._repeat_section(section)
        out = []
        item: Mapping[str, Any] = member
        for f in sec.fields:
            if evaluate(f.relevant, answers, item):
                out.append(f)
            elif item.get(f.code) is not None:
                item = {**item, f.code: None}
        return out

    def _repeat_section(self, code: str | None) -> Section:
        if code is not None:
            return self.section(code)
        for sec in self.sections:
            if sec.per_member:
                return sec
        raise KeyError(f"form {self.form_id} v{self.version} has no per-member section")

    def prune_irrelevant(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``answers`` without answers to fields that are not asked.

        Use it before handing answers to the verdict engine, so that a stale
        answer (e.g. a renovation state after the grade changed to A) is not used.
        """
        out: dict[str, Any] = dict(answers)
        asked = {f.code for f in self.relevant_fields(answers)}
        for sec in self.sections:
            if sec.is_repeat:
                continue
            for f in sec.fields:
                if f.code not in asked and get_path(out, f.code) is not None:
                    out = _delete_path(out, f.code)
        for sec in self.sections:
            if not sec.is_repeat or sec.code not in out:
                continue
            items = out[sec.code]
            if sec.per_member and isinstance(items, Mapping):
                out[sec.code] = {
                    key: self._prune_item(sec, answers, item) if isinstance(item, Mapping) else item
                    for key, item in items.items()
                }
            elif isinstance(items, list):
                out[sec.code] = [
                    self._prune_item(sec, answers, item) if isinstance(item, Mapping) else item
                    for item in items
                ]
        return out

    def _prune_item(
        self, sec: Section, answers: Mapping[str, Any], item: Mapping[str, Any]
    ) -> dict[str, Any]:
        asked = {f.code for f in self.relevant_fields(answers, item, sec.code)}
        known = {f.code for f in sec.fields}
        return {k: v for k, v in item.items() if k in asked or k not in known}


# --- loading -----------------------------------------------------------------------------------


def _labels(value: Any) -> Labels | None:
    if value is None:
        return None
    return {str(k): str(v) for k, v in dict(value).items()}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def form_from_dict(data: Mapping[str, Any]) -> Form:
    """Build a :class:`Form` from its JSON document.

    Raises:
        ValueError: if a field has an unknown type or a section no code.
    """
    sections: list[Section] = []
    for s in data["sections"]:
        code = str(s["code"])
        repeat = s.get("repeat")
        fields: list[Field] = []
        for f in s.get("fields", []):
            ftype = str(f["type"])
            if ftype not in FIELD_TYPES:
                raise ValueError(f"field {f.get('code')!r}: unknown type {ftype!r}")
            fields.append(
                Field(
                    code=str(f["code"]),
                    section=code,
                    label=_labels(f["label"]) or {},
                    type=ftype,
                    list_name=f.get("list"),
                    required=bool(f.get("required", False)),
                    required_if=f.get("required_if"),
                    min=_number(f.get("min")),
                    max=_number(f.get("max")),
                    unit=_labels(f.get("unit")),
                    help=_labels(f.get("help")),
                    relevant=f.get("relevant"),
                    constraint=f.get("constraint"),
                    constraint_message=_labels(f.get("constraint_message")),
                    constraint_severity=str(f.get("constraint_severity") or "error"),
                    not_future=bool(f.get("not_future", False)),
                    in_repeat=repeat is not None,
                )
            )
        sections.append(
            Section(
                code=code,
                title=_labels(s["title"]) or {},
                fields=tuple(fields),
                help=_labels(s.get("help")),
                repeat=repeat,
            )
        )
    return Form(
        form_id=str(data["form_id"]),
        version=int(data["version"]),
        title=_labels(data["title"]) or {},
        sections=tuple(sections),
    )


def available_versions(form_id: str = "visit") -> list[int]:
    """The versions of ``form_id`` present under ``resources/forms``, ascending."""
    pattern = re.compile(rf"{re.escape(form_id)}-v(\d+)\.json")
    folder = resource_path("forms")
    if not folder.is_dir():
        return []
    found = (pattern.fullmatch(p.name) for p in folder.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


@lru_cache(maxsize=16)
def _load(form_id: str, version: int) -> Form:
    return form_from_dict(load_json("forms", f"{form_id}-v{version}.json"))


def load_form(form_id: str = "visit", version: int | None = None) -> Form:
    """Load a form definition (cached).

    Args:
        form_id: the form's id (file name prefix).
        version: the version a visit was filled with; ``None`` for the latest.

    Raises:
        NotFound: if that form or version is not installed.
    """
    versions = available_versions(form_id)
    if version is None:
        if not versions:
            raise NotFound(
                f"form {form_id!r} is not installed",
                f"未安装表单“{form_id}”",
                code="form_not_found",
            )
        version = versions[-1]
    elif version not in versions:
        raise NotFound(
            f"form {form_id!r} version {version} is not installed; update Fieldapp",
            f"未安装表单“{form_id}”第{version}版，请更新本软件",
            code="form_not_found",
        )
    return _load(form_id, version)


# --- answers and conditions -------------------------------------------------------------------


def is_answered(value: Any) -> bool:
    """Whether ``value`` counts as an answer (``None``, blank text and empty lists do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return len(value) > 0
    return True


def get_path(answers: Any, dotted: str, default: Any = None) -> Any:
    """The value at ``dotted`` (``"housing.grade"``, ``"risks.0.code"``), or ``default`` if absent."""
    node = answers
    for part in dotted.split("."):
        if isinstance(node, Mapping):
            if part not in node:
                return default
            node = node[part]
        elif isinstance(node, (list, tuple)) and part.isdigit():
            index = int(part)
            if index >= len(node):
                return default
            node = node[index]
        else:
            return default
    return default if node is None else node


def set_path(answers: Mapping[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A new dict equal to ``answers`` with ``value`` at ``dotted``; the input is not changed.

    Containers along the path are copied; missing ones are created as dicts. A
    list index may address an existing item or append (index == length).

    Raises:
        IndexError: if a list index is beyond the end of the list.
    """
    result = _set(answers, dotted.split("."), value)
    assert isinstance(result, dict)
    return result


def _set(node: Any, parts: Sequence[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    if isinstance(node, list) and head.isdigit():
        items = list(node)
        index = int(head)
        if index > len(items):
            raise IndexError(f"list index {index} beyond length {len(items)}")
        if index == len(items):
            items.append(None)
        items[index] = _set(items[index], rest, value) if rest else value
        return items
    base: dict[str, Any] = dict(node) if isinstance(node, Mapping) else {}
    base[head] = _set(base.get(head), rest, value) if rest else value
    return base


def _delete_path(answers: Mapping[str, Any], dotted: str) -> dict[str, Any]:
    parts = dotted.split(".")
    parent = get_path(answers, ".".join(parts[:-1])) if len(parts) > 1 else answers
    if not isinstance(parent, Mapping) or parts[-1] not in parent:
        return dict(answers)
    pruned = {k: v for k, v in parent.items() if k != parts[-1]}
    if len(parts) == 1:
        return pruned
    return set_path(answers, ".".join(parts[:-1]), pruned)


def _lookup(path: str, answers: Mapping[str, Any], member: Mapping[str, Any] | None) -> Any:
    # Inside a repeated item a bare name is the item's own answer; dotted paths are form-wide.
    if member is not None and "." not in path:
        return get_path(member, path)
    return get_path(answers, path)


def _as_items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _compare(op: str, value: Any, operand: Any) -> bool:
    if value is None or isinstance(value, bool) or isinstance(operand, bool):
        return False
    try:
        if op == "gt":
            return bool(value > operand)
        if op == "gte":
            return bool(value >= operand)
        if op == "lt":
            return bool(value < operand)
        return bool(value <= operand)
    except TypeError:
        return False


def _apply(op: str, value: Any, operand: Any) -> bool:
    if op == "eq":
        # True must not equal 1, but 3 equals 3.0.
        if isinstance(value, bool) or isinstance(operand, bool):
            return value is operand
        return bool(value == operand)
    if op == "ne":
        return not _apply("eq", value, operand)
    if op == "in":
        return value is not None and any(_apply("eq", value, o) for o in operand)
    if op == "not_in":
        return not _apply("in", value, operand)
    if op == "contains":
        return any(_apply("eq", item, operand) for item in _as_items(value))
    if op == "truthy":
        return bool(value) == bool(operand)
    if op == "answered":
        return is_answered(value) == bool(operand)
    if op in ("gt", "gte", "lt", "lte"):
        return _compare(op, value, operand)
    raise ValueError(f"unknown condition operator {op!r}")


def evaluate(
    condition: Condition | None,
    answers: Mapping[str, Any],
    member: Mapping[str, Any] | None = None,
) -> bool:
    """Evaluate a JSON condition against the answers.

    Args:
        condition: the condition; ``None`` is always true.
        answers: the whole visit's answers (dotted ``field`` paths look here).
        member: the current repeated item (a member's answers or one list item);
            a bare ``field`` name looks here.

    Raises:
        ValueError: if the condition is malformed (a bug in the form definition).
    """
    if condition is None:
        return True
    if not isinstance(condition, Mapping):
        raise ValueError(f"a condition must be a JSON object, got {condition!r}")
    if "all" in condition:
        return all(evaluate(c, answers, member) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers, member) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers, member)
    if "field" in condition:
        ops = [k for k in condition if k != "field"]
        if not ops:
            raise ValueError(f"condition on {condition['field']!r} has no operator")
        value = _lookup(str(condition["field"]), answers, member)
        return all(_apply(op, value, condition[op]) for op in ops)
    raise ValueError(f"malformed condition {dict(condition)!r}")
