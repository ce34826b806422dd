"""The ``fieldapp`` command: the composition root (CLI.md is its contract).

Exit status: 0 success, 1 input refused, 2 usage error. A refusal is one
plain line on stderr (no traceback unless ``--debug``); ``--json`` prints one
JSON document on stdout and nothing else there. ``sync`` and ``ui`` are
imported lazily inside the commands that need them, so ``fieldapp assess``
never loads Qt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fieldapp.errors import Cancelled, FieldappError, InputRefused, ValidationFailed

log = logging.getLogger("fieldapp")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
SERVER_ONLY = {"fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "openpyxl", "jinja2", "argon2",
               "multipart", "python_multipart"}


def default_home() -> Path:
    env = os.environ.get("FIELDAPP_HOME")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Fieldapp"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Fieldapp"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fieldapp"


def lang() -> str:
    value = os.environ.get("FIELDAPP_LANG") or os.environ.get("LANG") or "en"
    return "zh" if value.lower().startswith("zh") else "en"


class Ctx:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.home = Path(args.home) if getattr(args, "home", None) else default_home()
        self.json = bool(getattr(args, "json", False))

    def passphrase(self, prompt: str = "Passphrase / 口令: ", confirm: bool = False) -> str:
        env = os.environ.get("FIELDAPP_PASSPHRASE")
        if env is not None:
            return env
        if not sys.stdin.isatty():
            raise InputRefused(
                "no passphrase: set FIELDAPP_PASSPHRASE or run from a terminal",
                "没有口令：请设置 FIELDAPP_PASSPHRASE 或在终端中运行",
            )
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again / 再输入一次: ") != first:
            raise InputRefused("the two passphrases differ", "两次输入的口令不一致")
        return first

    def app(self) -> Any:
        from fieldapp.services import Fieldapp
        from fieldapp.store import Store

        return Fieldapp(Store.open(self.home, self.passphrase()))

    def out(self, doc: Any, text: str | Callable[[], str] | None = None) -> None:
        if self.json:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n")
        elif text is not None:
            sys.stdout.write((text() if callable(text) else text) + "\n")
        else:
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n")


def _read_json(path: str) -> Any:
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise InputRefused(f"file not found: {path}", f"找不到文件：{path}") from None
    except json.JSONDecodeError as exc:
        raise InputRefused(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            f"{path} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）",
        ) from None


# ----- laptop commands -------------------------------------------------------------
def cmd_init(ctx: Ctx) -> int:
    from fieldapp.store import Store

    recovery = None
    if ctx.args.recovery_pubkey:
        recovery = _read_key_file(ctx.args.recovery_pubkey)
    store = Store.create(ctx.home, ctx.passphrase(confirm=True), recovery_public=recovery, county=ctx.args.county or "")
    try:
        doc = {"home": str(ctx.home), "device_id": store.device_id, "recovery": recovery is not None}
    finally:
        store.close()
    ctx.out(doc, f"created an encrypted store in {ctx.home} (device {doc['device_id']})")
    return EXIT_OK


def _recovery_private(ctx: Ctx, path: str) -> bytes:
    """The county recovery private key: the passphrase-protected file the county's first set-up
    wrote (passphrase from FIELDAPP_RECOVERY_PASSPHRASE or asked), or a raw key (hex/base64)."""
    from fieldapp.keys import open_recovery_private

    try:
        data = Path(path).read_bytes()
    except OSError:
        raise InputRefused(f"cannot read the key file {path}", f"无法读取密钥文件 {path}") from None
    if not data.lstrip().startswith(b"{"):
        return _read_key_file(path)
    passphrase = os.environ.get("FIELDAPP_RECOVERY_PASSPHRASE")
    if passphrase is None:
        if not sys.stdin.isatty():
            raise InputRefused("set FIELDAPP_RECOVERY_PASSPHRASE or run in a terminal to give the recovery key's passphrase",
                               "请设置 FIELDAPP_RECOVERY_PASSPHRASE，或在终端中运行以输入恢复密钥的口令")
        passphrase = getpass.getpass("County recovery key passphrase / 县级恢复密钥口令: ")
    return open_recovery_private(data, passphrase)


def _read_key_file(path: str) -> bytes:
    """A raw 32-byte key, given as a file of 64 hex characters or base64."""
    import base64

    try:
        text = Path(path).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise InputRefused(f"cannot read the key file {path}", f"无法读取密钥文件 {path}") from None
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            raw = decode(text)
        except ValueError:
            continue
        if len(raw) == 32:
            return raw
    raise InputRefused(f"{path} does not hold a 32-byte key (hex or base64)", f"{path} 不是 32 字节的密钥（十六进制或 base64）")


def cmd_demo(ctx: Ctx) -> int:
    from fieldapp.demo import build_demo

    def progress(done: int, total: int) -> None:
        if not ctx.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{done}/{total} households")
            sys.stderr.flush()

    summary = build_demo(ctx.home, ctx.passphrase(), households=ctx.args.households, seed=ctx.args.seed, progress=progress)
    if not ctx.json and sys.stderr.isatty():
        sys.stderr.write("\n")
    ctx.out(summary, lambda: format_summary(summary))
    return EXIT_OK


def format_summary(s: dict[str, Any]) -> str:
    from fieldapp.codes import label

    zh = lang() == "zh"
    lines = [
        f"{'户数' if zh else 'Households'}: {s['households']}   {'人数' if zh else 'Members'}: {s['members']}   "
        f"{'走访' if zh else 'Visits'}: {s['visits']}   {'监测户' if zh else 'Monitored'}: {s['monitored']}",
        "",
        ("最近一次走访的结论（按户计）" if zh else "Latest verdict per household and indicator"),
    ]
    verdicts = ["met", "basic", "not_met", "exempt", "not_applicable", "unknown"]
    head = f"{'':14}" + "".join(f"{(label('verdict', v, 'zh') if zh else v):>15}" for v in verdicts)
    lines.append(head)
    for ind, counts in s["verdicts"].items():
        name = label("indicator", ind, "zh") if zh else ind
        lines.append(f"{name:14}" + "".join(f"{counts.get(v, 0):>15}" for v in verdicts))
    lines.append("")
    lines.append(f"{'未销号问题' if zh else 'Open problems'}: {s['open_problems']}")
    for ind, st in s["problems"].items():
        parts = ", ".join(f"{k} {v}" for k, v in sorted(st.items()))
        lines.append(f"  {ind}: {parts}")
    return "\n".join(lines)


def cmd_check_id(ctx: Ctx) -> int:
    from fieldapp.idnumber import check_id

    results = [check_id(raw) for raw in ctx.args.ids]
    docs = [r.to_json() for r in results]
    if ctx.json:
        ctx.out(docs if len(docs) != 1 else docs[0])
    else:
        for raw, r in zip(ctx.args.ids, results, strict=True):
            if r.valid:
                print(f"{r.id}\tOK\t{r.birth_date}\t{r.sex}\t{r.region_code}")
                for zh, en in r.warning_texts():
                    print(f"{r.id}\tWARNING\t{zh if lang().startswith('zh') else en}", file=sys.stderr)
            else:
                print(f"{raw}\tINVALID\t{r.message(lang())}")
    return EXIT_OK if all(r.valid for r in results) else EXIT_REFUSED


def cmd_assess(ctx: Ctx) -> int:
    from fieldapp.rules import assess

    doc = _read_json(ctx.args.file)
    if isinstance(doc, list):
        result: Any = [assess(x) for x in doc]
    elif isinstance(doc, dict):
        result = assess(doc)
    else:
        raise InputRefused("the assessment input must be a JSON object or an array of objects", "评估输入必须是 JSON 对象或对象数组")
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return EXIT_OK


def cmd_household_add(ctx: Ctx) -> int:
    data = _read_json(ctx.args.json_file)
    app = ctx.app()
    hid = app.add_household(data)
    warnings = _warn(app.cadre_warnings(hid))
    ctx.out({"id": hid, "warnings": warnings}, hid)
    return EXIT_OK


def _warn(messages: Sequence[Any]) -> list[dict[str, str]]:
    """Print warnings that did not block a change on stderr; return them for ``--json``."""
    for m in messages:
        print(f"warning: {m.text(lang())}", file=sys.stderr)
    return [{"field": m.field, "code": m.code, "zh": m.zh, "en": m.en} for m in messages]


def _parse_value(text: str) -> Any:
    """Values on the command line are JSON when they parse as JSON objects/arrays/bools, else text."""
    stripped = text.strip()
    if stripped[:1] in "[{" or stripped in ("true", "false", "null"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            pass
    return text


def cmd_household_set(ctx: Ctx) -> int:
    app = ctx.app()
    warnings = _warn(app.set_household_field(ctx.args.id, ctx.args.field, _parse_value(ctx.args.value)))
    ctx.out({"id": ctx.args.id, "field": ctx.args.field, "ok": True, "warnings": warnings}, "ok")
    return EXIT_OK


def cmd_household_show(ctx: Ctx) -> int:
    app = ctx.app()
    doc = app.household_detail(ctx.args.id)

    def text() -> str:
        lines = [f"{doc['head_name']}  {doc['village_code']} {doc['group']}  {doc['address']}  {doc['phone']}"]
        lines += [f"  {m['name']}\t{m['relation']}\t{m['id_number']}" for m in doc["members"]]
        lines.append("latest: " + ", ".join(f"{k}={v}" for k, v in doc["latest"].items()))
        lines += [f"  visit {v['visited_at']} {v['overall']}" for v in doc["visits"]]
        lines += [f"  problem {p['indicator']} {p['status']} {p['reason']}" for p in doc["problems"]]
        lines += [f"  CONFLICT {c['field']}: {c['values']}" for c in doc["conflicts"]]
        return "\n".join(lines)

    ctx.out(doc, text)
    return EXIT_OK


def cmd_household_list(ctx: Ctx) -> int:
    app = ctx.app()
    rows = app.list_households(village=ctx.args.village, search=ctx.args.search, group=ctx.args.group,
                               monitoring_type=ctx.args.monitoring, open_problems=ctx.args.open_problems,
                               overdue=ctx.args.overdue)
    ctx.out(rows, lambda: "\n".join(f"{r['id']}\t{r['head_name']}\t{r['village_code']}\t{r['group']}\t{r['overall'] or '-'}" for r in rows))
    return EXIT_OK


def cmd_visit_add(ctx: Ctx) -> int:
    doc = _read_json(ctx.args.json_file)
    app = ctx.app()
    answers = app.answers_from_assessment(ctx.args.household_id, doc)
    answers.setdefault("visit", {}).setdefault("type", "home")
    msgs = app.validate_visit(ctx.args.household_id, answers, final=False)
    errors = [m for m in msgs if m.severity == "error"]
    if errors:
        raise ValidationFailed(errors)
    vid, verdict = app.record_visit(ctx.args.household_id, answers, visited_at=ctx.args.visited_at, validate=False)
    ctx.out({"id": vid, "verdict": verdict, "warnings": [m.__dict__ for m in msgs]}, lambda: f"{vid}\t{verdict['overall']}")
    return EXIT_OK


def cmd_problem(ctx: Ctx) -> int:
    app = ctx.app()
    if ctx.args.problem_cmd == "list":
        rows = app.problems(ctx.args.household, open_only=ctx.args.open)
        ctx.out(rows, lambda: "\n".join(f"{p['id']}\t{p['indicator']}\t{p['status']}\t{p['reason']}" for p in rows))
    elif ctx.args.problem_cmd == "move":
        app.move_problem(ctx.args.id, ctx.args.status, note=ctx.args.note or "", actor=ctx.args.actor)
        ctx.out({"id": ctx.args.id, "status": ctx.args.status}, "ok")
    elif ctx.args.problem_cmd == "open":
        pid = app.open_problem(ctx.args.household_id, ctx.args.indicator, ctx.args.reason)
        ctx.out({"id": pid}, pid)
    return EXIT_OK


def cmd_conflicts(ctx: Ctx) -> int:
    app = ctx.app()
    rows = app.conflicts()
    ctx.out(rows, lambda: "\n".join(f"{c['field']}\t" + " | ".join(json.dumps(v, ensure_ascii=False) for v in c["values"]) for c in rows) or "no conflicts")
    return EXIT_OK


def cmd_resolve(ctx: Ctx) -> int:
    app = ctx.app()
    app.resolve(ctx.args.field_ref, _parse_value(ctx.args.value))
    ctx.out({"field": ctx.args.field_ref, "resolved": True}, "resolved")
    return EXIT_OK


def cmd_status(ctx: Ctx) -> int:
    app = ctx.app()
    doc = app.status()
    ctx.out(doc, lambda: "\n".join(f"{k}: {v}" for k, v in doc.items()))
    return EXIT_OK


def cmd_doctor(ctx: Ctx) -> int:
    from fieldapp.maintenance import doctor

    report = doctor(ctx.home, ctx.passphrase())
    ctx.out(report, lambda: "\n".join(f"{'OK  ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}" for c in report["checks"]))
    return EXIT_OK if report["ok"] else EXIT_REFUSED


def cmd_backup(ctx: Ctx) -> int:
    from fieldapp.maintenance import backup

    app = ctx.app()
    path = backup(app.store, Path(ctx.args.to))
    ctx.out({"path": str(path)}, str(path))
    return EXIT_OK


def cmd_restore(ctx: Ctx) -> int:
    from fieldapp.maintenance import restore

    info = restore(Path(ctx.args.file), ctx.home, ctx.passphrase(), force=ctx.args.force)
    ctx.out(info, f"restored into {ctx.home}")
    return EXIT_OK


def cmd_passwd(ctx: Ctx) -> int:
    from fieldapp.store import Store

    store = Store.open(ctx.home, ctx.passphrase("Current passphrase / 当前口令: "))
    try:
        new = os.environ.get("FIELDAPP_NEW_PASSPHRASE")
        if new is None:
            if not sys.stdin.isatty():
                raise InputRefused("set FIELDAPP_NEW_PASSPHRASE or run from a terminal", "请设置 FIELDAPP_NEW_PASSPHRASE 或在终端中运行")
            new = getpass.getpass("New passphrase / 新口令: ")
            if getpass.getpass("Again / 再输入一次: ") != new:
                raise InputRefused("the two passphrases differ", "两次输入的口令不一致")
        store.change_passphrase(new)
    finally:
        store.close()
    ctx.out({"ok": True}, "passphrase changed; the data was not re-encrypted")
    return EXIT_OK


def cmd_recover(ctx: Ctx) -> int:
    from fieldapp.maintenance import recover

    key = _recovery_private(ctx, ctx.args.recovery_key)
    new = os.environ.get("FIELDAPP_NEW_PASSPHRASE") or ctx.passphrase("New passphrase / 新口令: ", confirm=True)
    info = recover(ctx.home, key, new, operator=ctx.args.operator)
    ctx.out(info, "the store was recovered with the county key and now opens with the new passphrase")
    return EXIT_OK


def cmd_selftest(ctx: Ctx) -> int:
    from ui.selftest import run_selftest

    return EXIT_OK if run_selftest() == 0 else EXIT_REFUSED


def cmd_gui(ctx: Ctx) -> int:
    try:
        from ui.app import run_gui
    except ImportError as exc:
        raise FieldappError(f"the desktop app is not available: {exc}", f"桌面程序不可用：{exc}") from None
    return int(run_gui(ctx.home, screenshot_dir=getattr(ctx.args, "screenshot", None), lang=getattr(ctx.args, "lang", None)))


# ----- parser ----------------------------------------------------------------------
class _VersionAction(argparse.Action):
    """--version, reading the installed version only when asked (start-up stays short)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        import fieldapp

        sys.stdout.write(f"fieldapp {fieldapp.__version__}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS, help="data folder (default: FIELDAPP_HOME or the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")

    p = argparse.ArgumentParser(prog="fieldapp", parents=[common],
                                description="Fieldapp: offline household visits for return-to-poverty monitoring (入户走访).")
    p.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, fn: Callable[[Ctx], int], help_text: str, parent: Any = sub) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = parent.add_parser(name, parents=[common], help=help_text, description=help_text)
        sp.set_defaults(fn=fn)
        return sp

    g = add("gui", cmd_gui, "open the desktop app")
    g.add_argument("--screenshot", metavar="DIR", help="render each main screen to PNG in DIR (offscreen) and exit")
    g.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")

    s = add("init", cmd_init, "create the encrypted store in --home")
    s.add_argument("--county", help="6-digit county code (GB/T 2260) this laptop works for")
    s.add_argument("--recovery-pubkey", metavar="FILE", help="county recovery public key (X25519, hex or base64)")

    s = add("demo", cmd_demo, "create (if needed) and fill a store with a synthetic demo village")
    s.add_argument("--households", type=int, default=60, help="number of households (up to 100000; default 60)")
    s.add_argument("--seed", type=int, default=1, help="random seed (same seed, same village)")

    s = add("check-id", cmd_check_id, "validate citizen ID numbers (GB 11643-1999)")
    s.add_argument("ids", nargs="+", metavar="ID")

    s = add("assess", cmd_assess, "run the verdict engine on an assessment input (FILE or - for stdin)")
    s.add_argument("file", metavar="FILE")

    h = add("household", lambda c: _usage(h), "add, change, show and list households")
    hs = h.add_subparsers(dest="household_cmd", metavar="ACTION")
    s = add("add", cmd_household_add, "add a household with its members; prints the new id", hs)
    s.add_argument("--json-file", required=True, metavar="F")
    s = add("set", cmd_household_set, "change one field of a household (or member:<member id>:<field>)", hs)
    s.add_argument("id")
    s.add_argument("field")
    s.add_argument("value")
    s = add("show", cmd_household_show, "show a household with members, visits, verdicts, problems, conflicts", hs)
    s.add_argument("id")
    s = add("list", cmd_household_list, "list households (search by name, pinyin initials, ID number, phone)", hs)
    s.add_argument("--village", metavar="CODE")
    s.add_argument("--search", metavar="TEXT")
    s.add_argument("--group")
    s.add_argument("--monitoring", choices=["none", "unstable", "marginal", "sudden"])
    s.add_argument("--open-problems", action="store_true")
    s.add_argument("--overdue", action="store_true")

    v = add("visit", lambda c: _usage(v), "record visits", sub)
    vs = v.add_subparsers(dest="visit_cmd", metavar="ACTION")
    s = add("add", cmd_visit_add, "record a finalised visit from answers; prints visit id and verdict", vs)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--json-file", required=True, metavar="F")
    s.add_argument("--visited-at", "--at", dest="visited_at", metavar="ISO",
                   help="date (YYYY-MM-DD) or date and time of the visit (default: now)")

    pr = add("problem", lambda c: _usage(pr), "the problem ledger (问题台账)")
    ps = pr.add_subparsers(dest="problem_cmd", metavar="ACTION")
    s = add("list", cmd_problem, "list problems", ps)
    s.add_argument("--household")
    s.add_argument("--open", action="store_true")
    s = add("move", cmd_problem, "move a problem: in_progress, awaiting_check, closed", ps)
    s.add_argument("id")
    s.add_argument("status", choices=["in_progress", "awaiting_check", "closed"])
    s.add_argument("--note")
    s.add_argument("--actor", help="who does it (closing needs someone other than the reporter)")
    s = add("open", cmd_problem, "open a problem by hand", ps)
    s.add_argument("household_id")
    s.add_argument("indicator")
    s.add_argument("reason")

    add("selftest", cmd_selftest, "check this installation end to end in a temporary folder (store, visit, card, bundle)")
    add("conflicts", cmd_conflicts, "list conflicting edits with all their values")
    s = add("resolve", cmd_resolve, "resolve a conflict: FIELD_REF (entity:id:field) VALUE")
    s.add_argument("field_ref", metavar="FIELD_REF")
    s.add_argument("value", metavar="VALUE")
    add("status", cmd_status, "device id, enrolled server, outbox size, last acked seq, last sync")
    add("doctor", cmd_doctor, "integrity and key checks of the store")
    s = add("backup", cmd_backup, "write an encrypted, verified copy of the whole store into DIR")
    s.add_argument("--to", required=True, metavar="DIR")
    s = add("restore", cmd_restore, "restore a backup FILE into --home")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--force", action="store_true", help="replace an existing store (it is kept as a .replaced copy)")
    add("passwd", cmd_passwd, "change the passphrase (re-wraps the key; FIELDAPP_NEW_PASSPHRASE for scripts)")
    s = add("recover", cmd_recover, "county IT: reopen a store whose passphrase is lost, with the county recovery key")
    s.add_argument("--recovery-key", required=True, metavar="FILE")
    s.add_argument("--operator", default="county-it", help="who performs the recovery (recorded in the audit log)")

    from fieldapp import cli_monitor

    cli_monitor.register(sub, add, _usage)
    _add_optional_commands(sub, add)
    return p


def _add_optional_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Commands whose implementation lives in other packages (cards, sync)."""
    try:
        from fieldapp import cli_more
    except ImportError:
        return
    cli_more.register(sub, add)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "debug", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "command", None):
        args = parser.parse_args(["gui", *(argv or sys.argv[1:])])
    ctx = Ctx(args)
    try:
        return int(args.fn(ctx))
    except ValidationFailed as exc:
        msgs = exc.messages
        if ctx.json:
            sys.stdout.write(json.dumps({"error": exc.code, "messages": [getattr(m, "__dict__", str(m)) for m in msgs]}, ensure_ascii=False) + "\n")
        first = msgs[0] if msgs else None
        text = (getattr(first, "zh", None) if lang() == "zh" else getattr(first, "en", None)) or exc.text(lang())
        where = getattr(first, "field", "")
        extra = f" (+{len(msgs) - 1} more)" if len(msgs) > 1 else ""
        sys.stderr.write(f"fieldapp: refused: {where + ': ' if where else ''}{text}{extra}\n")
        return EXIT_REFUSED
    except FieldappError as exc:
        if getattr(args, "debug", False):
            raise
        sys.stderr.write(f"fieldapp: {exc.text(lang())}\n")
        return EXIT_REFUSED
    except Cancelled:
        return EXIT_REFUSED
    except ModuleNotFoundError as exc:
        # The laptop bundle leaves the county server out (FastAPI, SQLAlchemy, Alembic).
        root = (exc.name or "").split(".")[0]
        if getattr(args, "debug", False) or not (root in SERVER_ONLY or (exc.name or "").startswith("sync.server")):
            raise
        sys.stderr.write(
            "fieldapp: the county server is not part of this installation (the laptop app); "
            "run 'fieldapp serve' and 'fieldapp admin' from a pip install on the county machine\n"
            if lang() != "zh" else
            "fieldapp: 本安装（笔记本程序）不含县服务器；请在县里服务器上用 pip 安装后运行 fieldapp serve / admin\n"
        )
        return EXIT_REFUSED
    except KeyboardInterrupt:
        sys.stderr.write("fieldapp: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
