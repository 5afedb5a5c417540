"""python -m field_client [--home DIR] [--json] COMMAND ...: the field client on the command line.

Exit status: 0 done; 1 the command cannot succeed (nothing queued), or it was mistyped;
2 the server could not be reached (the outbox is intact); 3 the server refused (log in again,
or ask the dispatcher; `sync` also when it refused any queued action); 4 synced, but some work
waits for something (e.g. a photo the server has not got yet). --json goes before or after
the command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from field_client import engine, kb_cli
from field_client.client import CommandError, FieldClient
from field_client.transport import ServerRefused, Unreachable
from schemas.mutations import FAILURE_REASONS

OK, INVALID, UNREACHABLE, REFUSED, INCOMPLETE = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error, which here means "server unreachable": a mistyped
    command must not tell a script to retry later."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(INVALID, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="python -m field_client", description=__doc__,
                   formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--home", type=Path, default=Path(os.environ.get(
        "FIELDSYNC_HOME", Path.home() / ".fieldsync")), help="where the replica lives")
    root.add_argument("--json", action="store_true", help="machine-readable output")
    # Also accepted after the command (`accept WO-1 --json`); SUPPRESS keeps the root's value
    # when a subcommand does not see the flag.
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                           help="machine-readable output")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    real_add = commands.add_parser

    def add_parser(name, **kwargs):
        return real_add(name, parents=[json_flag], **kwargs)

    commands.add_parser = add_parser
    login = commands.add_parser("login", help="log in and keep the token (0600)")
    login.add_argument("server_url")
    login.add_argument("username")
    login.add_argument("password")
    commands.add_parser("sync", help="upload, push, pull")
    commands.add_parser("jobs", help="the orders on this device")
    commands.add_parser("status", help="unsent work and what the server refused")
    for name in ("show", "accept", "complete"):
        commands.add_parser(name).add_argument("order", help="number or id")
    start = commands.add_parser("start")
    start.add_argument("order")
    start.add_argument("--lat", type=float)
    start.add_argument("--lon", type=float)
    start.add_argument("--accuracy", type=float, help="metres")
    note = commands.add_parser("note")
    note.add_argument("order")
    note.add_argument("text")
    charge = commands.add_parser("charge")
    charge.add_argument("order")
    charge.add_argument("catalog_code")
    charge.add_argument("quantity")
    photo = commands.add_parser("photo")
    photo.add_argument("order")
    photo.add_argument("file", type=Path)
    photo.add_argument("--kind", default="after", choices=["before", "after", "serial", "other"])
    photo.add_argument("--caption")
    sign = commands.add_parser("sign")
    sign.add_argument("order")
    sign.add_argument("signer_name")
    sign.add_argument("signature_png", type=Path)
    fail = commands.add_parser("fail", help="the visit failed: why (the office follows up)")
    fail.add_argument("order")
    fail.add_argument("reason", choices=FAILURE_REASONS)
    fail.add_argument("--note")
    kb_cli.add_commands(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = Console(stderr=False, highlight=False)
    err = Console(stderr=True, highlight=False)
    client = FieldClient(args.home)
    try:
        return run(client, args, out)
    except CommandError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return INVALID
    except Unreachable as exc:
        err.print(f"[yellow]server not reachable[/yellow] ({exc}); your work is kept and will "
                  "be sent on the next sync")
        return UNREACHABLE
    except ServerRefused as exc:
        err.print(f"[red]error:[/red] {engine.refused_message(exc)}")
        return REFUSED
    finally:
        client.close()


def run(client: FieldClient, args, out: Console) -> int:
    command = args.command
    if command == "login":
        who = client.login(args.server_url, args.username, args.password)
        return _print(out, args, who | {"token": "(saved)"},
                      f"logged in as {who['name']} ({who['role']})")
    if command == "sync":
        with _RichProgress(enabled=not args.json) as progress:
            report = client.sync(progress)
        _print(out, args, report.as_dict(), _summary(report))
        if report.rejected or report.refused_uploads:
            return REFUSED
        return OK if report.complete else INCOMPLETE
    if command == "jobs":
        jobs = client.jobs()
        return _print(out, args, jobs, _jobs_table(jobs))
    if command == "show":
        order = client.show(args.order)
        return _print(out, args, order, _order_view(order))
    if command == "status":
        status = client.status()
        return _print(out, args, status, _status_view(status))
    if command == "kb" and args.kb_command != "used":
        return kb_cli.run(client, args, out)
    queued = _queue(client, args)
    return _print(out, args, queued, f"queued {queued['name']} for {queued['order']} "
                                      f"(#{queued['seq']}); run `sync` when online")


def _queue(client: FieldClient, args) -> dict:
    match args.command:
        case "accept":
            return client.accept(args.order)
        case "start":
            location = None
            if args.lat is not None and args.lon is not None:
                location = {"lat": args.lat, "lon": args.lon}
                if args.accuracy is not None:
                    location["accuracy_m"] = args.accuracy
            return client.start(args.order, location)
        case "complete":
            return client.complete(args.order)
        case "note":
            return client.note(args.order, args.text)
        case "charge":
            return client.charge(args.order, args.catalog_code, args.quantity)
        case "photo":
            return client.photo(args.order, args.file, args.kind, args.caption)
        case "sign":
            return client.sign(args.order, args.signer_name, args.signature_png)
        case "fail":
            return client.fail_visit(args.order, args.reason, args.note)
        case "kb":
            return client.kb_used(args.order, args.article)
    raise CommandError(f"unknown command {args.command}")


def _print(out: Console, args, data, human) -> int:
    if args.json:
        out.print_json(json.dumps(data, default=str))
    else:
        out.print(human)
    return OK


def _summary(report: engine.SyncReport) -> str:
    lines = [f"sent {report.applied} action(s), uploaded {report.uploaded} file(s), "
             f"received {report.pulled} update(s) and {report.deleted} removal(s)"]
    if report.rejected:
        lines.append(f"[red]the server refused {len(report.rejected)} action(s)[/red]")
    for result in report.rejected:
        lines.append(f"[red]refused[/red] #{result['seq']}: {result['error']['message']}")
    for refused in report.refused_uploads:
        lines.append(f"[red]file refused[/red] {refused['sha256'][:12]}: {refused['reason']}")
    for result in report.waiting:
        lines.append(f"[yellow]waiting[/yellow] #{result['seq']}: {result['error']['message']}")
    return "\n".join(lines)


def _jobs_table(jobs: list[dict]) -> Table:
    table = Table("number", "status", "title", "address", "total")
    for job in jobs:
        table.add_row(job["number"], job["status"], job["title"], job["site"]["address"],
                      f"{job['totals']['total']} {job['currency']}")
    return table


def _order_view(order: dict) -> Table:
    table = Table(title=f"{order['number']} · {order['title']} · {order['status']}",
                  show_header=True)
    for column in ("code", "description", "qty", "unit price", "tax", "amount"):
        table.add_column(column)
    for line in order["charges"]:
        table.add_row(line["catalog_code"] or "(ad hoc)", line["description"],
                      f"{line['quantity']} {line['unit']}", line["unit_price"], line["tax"],
                      line["amount"])
    totals = order["totals"]
    table.caption = (f"subtotal {totals['subtotal']} · tax {totals['tax']} · total "
                     f"{totals['total']} {order['currency']} · photos {len(order['photos'])} · "
                     f"signed: {'yes' if order['signoff'] and order['signoff']['valid'] else 'no'}"
                     f" · unsent: {len(order['pending'])}")
    return table


def _status_view(status: dict) -> str:
    lines = [f"{len(status['pending'])} action(s) and {len(status['uploads'])} file(s) "
             "waiting to be sent"]
    lines += [f"  #{p['seq']} {p['name']} {p['order']}" for p in status["pending"]]
    for refused in status.get("refused_uploads", []):
        lines.append(f"  file {refused['sha256'][:12]} refused by the server: "
                     f"{refused['reason']}")
    if status["rejected"]:
        lines.append(f"{len(status['rejected'])} action(s) refused by the server:")
        lines += [f"  #{r['seq']} {r['name']} {r['order']}: {r['error']['message']} "
                  f"({r['error']['code']})" for r in status["rejected"]]
    return "\n".join(lines)


class _RichProgress(engine.Progress):
    """Upload and pull progress bars on the terminal (nothing with --json)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             DownloadColumn(), transient=True, disable=not enabled)
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        self.bars.start()
        return self

    def __exit__(self, *exc):
        self.bars.stop()

    def start(self, task: str, total: int | None) -> None:
        label = {"upload": "uploading photos", "pull": "receiving updates"}[task]
        self.tasks[task] = self.bars.add_task(label, total=total)

    def advance(self, task: str, amount: int) -> None:
        self.bars.advance(self.tasks[task], amount)

    def stop(self, task: str) -> None:
        self.bars.update(self.tasks[task], visible=False)
