"""Sync commands of the ``fieldapp`` CLI (CLI.md): enroll, sync, export-bundle,
import-bundle, relay, serve, admin. Heavy libraries (httpx, fastapi,
sqlalchemy, uvicorn) are imported inside the commands only.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fieldapp.errors import InputRefused
from fieldapp.fsutil import write_atomic

EXIT_OK, EXIT_REFUSED = 0, 1


def _lang() -> str:
    from fieldapp.cli import lang

    return lang()


def _say(res: dict[str, Any]) -> str:
    return str(res.get("reason_zh") if _lang() == "zh" else res.get("reason")) or ""


# ----- laptop -------------------------------------------------------------------------------
def cmd_enroll(ctx: Any) -> int:
    from sync.client import enroll

    app = ctx.app()
    doc = enroll(app, ctx.args.server, ctx.args.code, ctx.args.fingerprint)
    ctx.out(doc, f"enrolled with county {doc['county']} for villages {', '.join(doc['villages'])}")
    return EXIT_OK


def cmd_sync(ctx: Any) -> int:
    import sys

    from sync.client import sync

    app = ctx.app()

    def progress(stage: str, done: int, total: int) -> None:
        if not ctx.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{stage} {done}/{total}")
            sys.stderr.flush()

    doc = sync(app, batch_bytes=ctx.args.batch_bytes, progress=progress)
    ctx.out(doc, f"sent {doc['pushed']} (acked up to {doc['acked_seq']}), received {doc['pulled']}; "
                 f"{doc['outbox_pending']} waiting")
    return EXIT_OK


def cmd_export_bundle(ctx: Any) -> int:
    from sync.device import export_uplink

    app = ctx.app()
    path, n = export_uplink(app, Path(ctx.args.to))
    ctx.out({"path": str(path), "ops": n}, str(path))
    return EXIT_OK


def cmd_import_bundle(ctx: Any) -> int:
    from sync.bundle import read_file
    from sync.device import import_downlink

    app = ctx.app()
    res = import_downlink(app, read_file(Path(ctx.args.file)))
    text = _say(res) if res["status"] != "imported" else f"imported {res['applied']} changes; acked up to {res['acked_seq']}"
    ctx.out(res, text)
    return EXIT_OK


def cmd_relay(ctx: Any) -> int:
    from sync.client import relay, upload_ok

    pem = None
    if ctx.args.cert:
        pem = Path(ctx.args.cert).read_text("utf-8")
    queue = Path(ctx.args.queue) if ctx.args.queue else ctx.home / "relay-queue"
    doc = relay(ctx.args.server, Path(ctx.args.usb) if ctx.args.usb else None, pem, queue)

    def text() -> str:
        lines = [f"{r['file']}: {r['status']} {_say(r)}".rstrip() for r in doc["uploaded"]]
        lines += [f"downlink: {p}" for p in doc["downlinks"]]
        if doc["queued"]:
            lines.append(f"{len(doc['queued'])} bundle(s) wait in {queue}: run relay again when the county can be reached")
        return "\n".join(lines) or "no bundles found"

    ctx.out(doc, text)
    return EXIT_OK if upload_ok(doc["uploaded"]) else EXIT_REFUSED


# ----- county server ------------------------------------------------------------------------
def _data(ctx: Any) -> Path:
    return Path(ctx.args.data or os.environ.get("FIELDAPP_SERVER_DATA") or "county-data")


@contextmanager
def _county(ctx: Any) -> Iterator[Any]:
    """The county of ``--data``/``--db``, open for one admin command and closed after it."""
    from sync.server.county import County

    c = County(_data(ctx), ctx.args.db, getattr(ctx.args, "county", None))
    try:
        announce_recovery_key(c)
        yield c
    finally:
        c.close()


def announce_recovery_key(c: Any) -> None:
    """Say once where the first set-up wrote the county recovery key file (to move offline)."""
    import sys

    out = c.keys.recovery_written
    if out is not None:
        sys.stderr.write(f"fieldapp: the county recovery key was written to {out}: move it offline now "
                         f"(with its passphrase it can open any laptop of the county) / 县级恢复密钥已写到 {out}，"
                         "请立即转移到离线介质保存\n")


def cmd_serve(ctx: Any) -> int:
    from sync.server.app import serve

    serve(str(_data(ctx)), ctx.args.db, ctx.args.host, ctx.args.port, ctx.args.county, ctx.args.tls_cert,
          ctx.args.tls_key, ctx.args.api_docs)
    return EXIT_OK


def cmd_admin_enroll_code(ctx: Any) -> int:
    with _county(ctx) as c:
        code = c.create_enroll_code(ctx.args.village, ctx.args.cadre)
    ctx.out({"code": code, "villages": ctx.args.village, "cadre": ctx.args.cadre}, code)
    return EXIT_OK


def cmd_admin_devices(ctx: Any) -> int:
    with _county(ctx) as c:
        rows = c.devices()
    ctx.out(rows, lambda: "\n".join(f"{d['device_id']}\t{d['status']}\t{d['cadre']}\t{','.join(d['villages'])}\t"
                                    f"acked {d['acked_seq']}" for d in rows) or "no devices")
    return EXIT_OK


def cmd_admin_revoke(ctx: Any) -> int:
    with _county(ctx) as c:
        doc = c.revoke(ctx.args.device_id)
    ctx.out(doc, f"revoked {doc['device_id']}")
    return EXIT_OK


def cmd_admin_import_bundle(ctx: Any) -> int:
    from sync.bundle import check_file, read_file
    from sync.server.app import MAX_BUNDLE_BYTES

    with _county(ctx) as c:
        # Checked as a stream first: junk, foreign or oversized files are refused without being read whole.
        check_file(Path(ctx.args.file), county=c.county, senders=c.sender, kind="uplink", limit=MAX_BUNDLE_BYTES)
        res = c.import_bundle(read_file(Path(ctx.args.file)))
    if res["status"] == "quarantined":
        raise InputRefused(res["reason"], res["reason_zh"], code="clock_ahead")
    text = _say(res) if res["status"] != "imported" else f"imported {res['stored']} changes from {res['device_id']}"
    ctx.out(res, text)
    return EXIT_OK


def cmd_admin_stats(ctx: Any) -> int:
    with _county(ctx) as c:
        doc = c.stats()
    ctx.out(doc, lambda: "\n".join(f"{k}: {v}" for k, v in doc.items()))
    return EXIT_OK


def cmd_admin_create_account(ctx: Any) -> int:
    import getpass
    import sys

    from sync.server.accounts import create_account

    password = os.environ.get("FIELDAPP_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise InputRefused("set FIELDAPP_ADMIN_PASSWORD or run in a terminal to be asked for the password",
                               "请设置 FIELDAPP_ADMIN_PASSWORD，或在终端中运行以输入密码")
        password = getpass.getpass("password / 密码: ")
        if getpass.getpass("again / 再输一次: ") != password:
            raise InputRefused("the two passwords differ", "两次输入的密码不一致")
    with _county(ctx) as c:
        acc = create_account(c.engine, c.county, ctx.args.user, password, ctx.args.role, ctx.args.township)
    doc = {"username": acc.username, "role": acc.role, "township": acc.township}
    ctx.out(doc, f"account {acc.username} ({acc.role}{' ' + acc.township if acc.township else ''}) is ready")
    return EXIT_OK


def cmd_admin_import_roster(ctx: Any) -> int:
    import sys

    from sync.server.roster import import_roster

    data = Path(ctx.args.file).read_bytes()
    with _county(ctx) as c:
        res = import_roster(c, data, actor=f"cli:{_os_user()}", skip_errors=ctx.args.skip_errors)
    zh = _lang() == "zh"
    lines = [f"row {e['row']} {e['column']} '{e['value']}': {e['reason_zh'] if zh else e['reason']}"
             f"{' (warning)' if e['severity'] != 'error' else ''}" for e in res["errors"]]
    p = res["plan"]
    if res["imported"]:
        lines.append(f"imported: {p['households_new']} new households, {p['households_updated']} updated; "
                     f"{p['members_new']} new members, {p['members_updated']} updated; {p['rows_skipped']} rows skipped")
    if not res["imported"]:
        if ctx.json:
            ctx.out(res, "")
        else:
            sys.stdout.write("\n".join(lines) + "\n")
        raise InputRefused(f"{res['error_rows']} row(s) have errors; nothing was written (fix them, or --skip-errors)",
                           f"{res['error_rows']}行有错误，未写入任何数据（请修改，或使用 --skip-errors）",
                           code="roster_errors")
    ctx.out(res, "\n".join(lines))
    return EXIT_OK


def cmd_admin_export(ctx: Any) -> int:
    from sync.server.accounts import Account
    from sync.server.exports import export_workbook
    from sync.server.state import ensure_built

    with _county(ctx) as c:
        with c._write() as conn:
            ensure_built(conn)
        data = export_workbook(c.engine, Account(f"cli:{_os_user()}", "county", None), county=c.county,
                               village=ctx.args.village)
    out = Path(ctx.args.out)
    write_atomic(out, data)
    ctx.out({"path": str(out), "bytes": len(data)}, str(out))
    return EXIT_OK


def cmd_admin_move_household(ctx: Any) -> int:
    with _county(ctx) as c:
        doc = c.move_household(ctx.args.household_id, ctx.args.village, f"cli:{_os_user()}")
    ctx.out(doc, f"household {doc['household_id']} moved from village {doc['from']} to {doc['to']}")
    return EXIT_OK


def cmd_admin_held(ctx: Any) -> int:
    with _county(ctx) as c:
        rows = c.held_ops(ctx.args.status)
    ctx.out(rows, lambda: "\n".join(f"{r['id']}\t{r['received_at']}\t{r['sender']}\tseq {r['device_seq']}\t"
                                    f"{r['reason']}\t{r['detail']}" for r in rows) or "no held changes")
    return EXIT_OK


def cmd_admin_decide(ctx: Any) -> int:
    with _county(ctx) as c:
        doc = c.decide_held(ctx.args.held_id, ctx.args.admin_cmd == "release", f"cli:{_os_user()}")
    ctx.out(doc, f"held change {doc['id']}: {doc['status']}")
    return EXIT_OK


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the sync commands to the ``fieldapp`` parser."""
    s = add("enroll", cmd_enroll, "enroll this laptop with the county server (one-time code)")
    s.add_argument("--server", required=True, metavar="URL")
    s.add_argument("--code", required=True, metavar="CODE")
    s.add_argument("--fingerprint", metavar="SHA256", help="expected server certificate fingerprint (https)")
    s = add("sync", cmd_sync, "push the outbox and pull the villages' changes over the network now")
    s.add_argument("--batch-bytes", type=int, default=256 * 1024, help=argparse.SUPPRESS)
    s = add("export-bundle", cmd_export_bundle, "write an uplink bundle onto a USB folder; prints its path")
    s.add_argument("--to", required=True, metavar="DIR")
    s = add("import-bundle", cmd_import_bundle, "import a downlink bundle from the county")
    s.add_argument("file", metavar="FILE")
    s = add("relay", cmd_relay, "township office: check the stick's bundles, queue and upload them, write back each device's downlink")
    s.add_argument("--server", required=True, metavar="URL")
    s.add_argument("--usb", metavar="DIR", help="the stick (without it: only upload what waits in the queue)")
    s.add_argument("--queue", metavar="DIR", help="the office's queue of checked bundles (default: relay-queue in --home)")
    s.add_argument("--cert", metavar="PEM", help="the county server's certificate to pin (https)")

    def server_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="URL", help="sqlite:///path (default: county.db in --data) or postgresql://...")
        p.add_argument("--data", metavar="DIR", help="county keys and default database (default: ./county-data)")
        p.add_argument("--county", metavar="CODE", help="6-digit county code (first start only)")

    s = add("serve", cmd_serve, "run the county server")
    server_opts(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8470)
    s.add_argument("--tls-cert", metavar="PEM")
    s.add_argument("--tls-key", metavar="PEM")
    s.add_argument("--api-docs", action="store_true", help="serve /docs and /openapi.json (off by default)")

    admin: argparse.ArgumentParser = add("admin", lambda c: _usage(admin), "county administration (works on the database directly)")
    server_opts(admin)
    sub_admin = admin.add_subparsers(dest="admin_cmd", metavar="ACTION")

    def admin_add(name: str, fn: Callable[[Any], int], text: str) -> argparse.ArgumentParser:
        return inherit_server_opts(admin, add(name, fn, text, sub_admin))

    s = admin_add("enroll-code", cmd_admin_enroll_code, "create a one-time enrollment code; prints it")
    s.add_argument("--village", action="append", required=True, metavar="CODE")
    s.add_argument("--cadre", required=True, metavar="NAME")
    admin_add("devices", cmd_admin_devices, "list enrolled devices")
    s = admin_add("revoke", cmd_admin_revoke, "revoke a device")
    s.add_argument("device_id", metavar="DEVICE_ID")
    s = admin_add("import-bundle", cmd_admin_import_bundle, "import an uplink bundle straight from a USB stick")
    s.add_argument("file", metavar="FILE")
    admin_add("stats", cmd_admin_stats, "counts: households, members, visits, ops, devices, conflicts, quarantined")
    s = admin_add("create-account", cmd_admin_create_account,
                  "create (or reset) a dashboard account; password from FIELDAPP_ADMIN_PASSWORD or a prompt")
    s.add_argument("--user", required=True, metavar="U")
    s.add_argument("--role", required=True, choices=["county", "township", "readonly"])
    s.add_argument("--township", metavar="CODE9", help="9-digit township code (township accounts)")
    s = admin_add("import-roster", cmd_admin_import_roster,
                  "load the county's household list from Excel (.xlsx); refuses the whole file if a row has an error")
    s.add_argument("file", metavar="FILE.xlsx")
    s.add_argument("--skip-errors", action="store_true", help="import the good rows and leave out the rows with errors")
    s = admin_add("move-household", cmd_admin_move_household,
                  "county decision: move a household to another village (its history follows it)")
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--village", required=True, metavar="CODE")
    s = admin_add("held", cmd_admin_held, "changes the county holds (outside a laptop's villages, malformed, ...)")
    s.add_argument("--status", default="held", choices=["held", "released", "rejected"])
    for name, text in (("release", "store a held change as the county's decision"),
                       ("reject", "reject a held change for good")):
        s = admin_add(name, cmd_admin_decide, text)
        s.add_argument("held_id", type=int, metavar="ID")
    s = admin_add("export", cmd_admin_export, "Excel workbook: households, members, latest verdicts, problems")
    s.add_argument("--out", required=True, metavar="FILE.xlsx")
    s.add_argument("--village", metavar="CODE", help="only this village")
    from sync import cli_monitor

    cli_monitor.register_admin(admin_add, add, _county, _usage)


def inherit_server_opts(parent: argparse.ArgumentParser, p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Let a subcommand take --db/--data/--county after its name too (they default to the parent's)."""
    for action in parent._actions:
        if action.dest in ("db", "data", "county"):
            p.add_argument(*action.option_strings, dest=action.dest, default=argparse.SUPPRESS, help=action.help)
    return p


def _usage(parser: argparse.ArgumentParser) -> int:
    import sys

    parser.print_usage(sys.stderr)
    return 2
