"""`eportfx`: serve with waitress, and the admin commands. Every command reads EPORTFX_DATABASE_URL."""
import sys
from pathlib import Path

import click

from db.actor import SYSTEM
from db.models import CardKind


def _app():
    from app import create_app

    return create_app()


def _db(app):
    return app.extensions["eportfx_db"]


def _migrate(db) -> int:
    """Upgrade the schema in place; a database newer than this release is refused with the reason."""
    from db import migrate

    try:
        return migrate.init_db(db)
    except migrate.SchemaNewerThanCode as error:
        raise click.ClickException(str(error)) from None


@click.group(help="eport-fx 出口收汇系统")
def main():
    pass


@main.command(help="Serve the app with waitress: --workers processes, each with --threads threads.")
@click.option("--host", default=None, help="default EPORTFX_HOST or 127.0.0.1")
@click.option("--port", type=int, default=None, help="default EPORTFX_PORT or 8000")
@click.option("--threads", type=int, default=None, help="threads per worker; default EPORTFX_THREADS or 4")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="processes sharing one socket; default EPORTFX_WORKERS or the number of cores")
def serve(host, port, threads, workers):
    import serving

    app = _app()  # reads the settings and makes the secret key once, before any worker starts
    host, port = host or app.config["HOST"], port or app.config["PORT"]
    threads = threads or app.config["THREADS"]
    workers = workers or int(app.config.get("WORKERS") or 0) or serving.default_workers()
    _db(app).dispose()  # no connection crosses the fork: each worker makes its own engine
    click.echo(f"eport-fx on http://{host}:{port}/  database: {_safe_url(_db(app).url)}")
    sys.exit(serving.run(_app, host, port, workers=workers, threads=threads, log=click.echo))


@main.command("init-db", help="Create or upgrade the schema (Alembic) and load the code tables. Idempotent.")
def init_db():
    from db import migrate

    db = _db(_app())
    with db.engine.connect() as connection:
        before = ", ".join(sorted(migrate.database_heads(connection))) or "empty"
    added = _migrate(db)
    after = ", ".join(sorted(migrate.code_heads()))
    schema = f"schema {after}" if before == after else f"schema {before} → {after}"
    click.echo(f"database ready: {_safe_url(db.url)} ({schema}, {added} codes loaded)")


@main.command("seed-demo", help="Add the demo cards and demo data; --forms N adds N more forms.")
@click.option("--forms", "extra", type=int, default=0, help="extra forms for scale tests (up to 1,000,000+)")
@click.option("--trainees", type=click.IntRange(0, 99), default=None,
              help="trainees 学员01 … 学员N: each a copy of enterprise A with its own cards and forms")
@click.option("--reset", is_flag=True, help="put the demo back to its seeded state (one transaction)")
def seed_demo(extra, trainees, reset):
    from db import bulk, demo, seed

    app = _app()
    if reset and not app.config.get("DEMO"):  # a branch's real forms, cards and audit trail would go
        raise click.ClickException("seed-demo --reset replaces every row of the database with the demo data: "
                                   "it runs in demo mode only (EPORTFX_DEMO=1). Nothing was changed.")
    db = _db(app)
    _migrate(db)
    if reset:
        counts = demo.reset(db, trainees=trainees)
        click.echo(f"demo data reset: {counts['card']} cards, {counts['form']} forms")
    elif seed.seed_demo(db, must_change=not app.config.get("DEMO")):
        click.echo("demo cards and data created; every demo card's password is 88888888"
                   + ("" if app.config.get("DEMO") else ", to be changed at its first login"))
    else:
        click.echo("demo data already present")
    if trainees and not reset:
        have = seed.count_trainees(db)
        made = seed.seed_trainees(db, trainees, must_change=not app.config.get("DEMO"))
        if made:
            prefix = seed.TRAINEE_PREFIX
            click.echo(f"{made} trainees added ({prefix}{have + 1:02d} … {prefix}{trainees:02d})")
        else:  # trainees are only ever added: a smaller class needs a reset
            click.echo(f"no trainee added: {have} already present; seed-demo --reset --trainees {trainees} "
                       f"puts the demo back with {trainees}")
    if extra:
        with click.progressbar(length=extra, label="forms", file=sys.stderr) as bar:
            bulk.add_forms(db, extra, progress=bar.update)
        click.echo(f"{extra} forms added")


@main.command("create-card", help="Issue a card (a data-centre operation).")
@click.option("--kind", type=click.Choice([k.value for k in CardKind]), required=True)
@click.option("--holder", required=True)
@click.option("--card-no", default=None, help="13 digits; default: the next free number")
@click.option("--customs-code", default=None, help="the enterprise's 海关编码, for enterprise cards")
@click.option("--district", default=None, help="关区代码, for customs cards")
def create_card(kind, holder, card_no, customs_code, district):
    from sqlmodel import select

    from db import accounts
    from db.models import Enterprise

    app = _app()
    db = _db(app)
    enterprise_id = None
    if customs_code:
        with db.session() as session:
            enterprise = session.exec(select(Enterprise).where(Enterprise.customs_code == customs_code)).first()
        if enterprise is None:
            raise click.ClickException(f"no enterprise with 海关编码 {customs_code}")
        enterprise_id = enterprise.id
    result, card = accounts.create_card(db=db, actor=SYSTEM, kind=CardKind(kind), holder=holder, card_no=card_no,
                                        enterprise_id=enterprise_id, district_code=district)
    if not result.ok:
        raise click.ClickException(result.message)
    click.echo(f"card {card.card_no} ({card.kind.label}, {card.holder}); initial password {card.password}")


@main.command("import-codes", help="Import a code table from a CSV of code,name rows.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--table", default="district", help="district, transport, trade, settlement, deal, currency, country")
def import_codes(csv_file, table):
    from db import audit, codes

    if table not in codes.TABLES:
        raise click.ClickException(f"unknown table {table}")
    text = codes.decode(csv_file.read_bytes())
    if text is None:
        raise click.ClickException(f"{csv_file} is not UTF-8: save it as CSV UTF-8 and import it again")
    good, checked = codes.read_csv(text, table)
    for row in checked:
        if row.error:
            click.echo(f"line {row.line}: {row.code} {row.name}: {row.error}", err=True)
    if not good:  # nothing to import: refused, and no 代码表导入 event
        raise click.ClickException(f"{csv_file}: no code imported, {len(checked)} rows rejected")
    with _db(_app()).write() as session:
        audit.lock_head(session)  # first, as every writer does
        added, changed = codes.apply_import(session, table, good)
        audit.append(session, actor=SYSTEM, action=codes.IMPORT_ACTION,  # as the screen's 导入 does
                     detail=f"{codes.TABLES[table]}：新增 {added}，修改 {changed}，不变 {len(good) - added - changed}")
    click.echo(f"{codes.TABLES[table]}: {added} added, {changed} renamed, {len(checked) - len(good)} rejected")


@main.command("unlock-card", help="Unlock a card and end its wait after wrong passwords (a data-centre operation).")
@click.argument("card_no")
def unlock_card(card_no):
    from db import accounts

    result = accounts.unlock(db=_db(_app()), actor=SYSTEM, card_no=card_no)
    if not result.ok:
        raise click.ClickException(result.message)
    click.echo(f"card {card_no.strip()} unlocked")


@main.command(help="Copy the database to a file (SQLite online backup, or pg_dump for PostgreSQL).")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target):
    from db import backup as backups

    backups.backup(_db(_app()), target)
    click.echo(f"backup written to {target}")


@main.command(help="Restore a SQLite backup over the database (stop the app first). PostgreSQL: pg_restore.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that holds data")
def restore(source, force):
    from db import restore as restores

    db = _db(_app())
    try:
        restored = restores.restore(db, source, force=force)
    except restores.RestoreError as error:
        raise click.ClickException(str(error)) from None
    counts = ", ".join(f"{name} {count}" for name, count in restored.rows.items() if name != "alembic_version")
    click.echo(f"restored {source} into {_safe_url(db.url)}: {counts}")
    click.echo(restored.verdict.message)
    sys.exit(0 if restored.verdict.ok else 1)


@main.command("verify-audit", help="Verify the audit trail's hash chain.")
def verify_audit():
    from db import audit

    with _db(_app()).session() as session:
        verdict = audit.verify(session)
    click.echo(verdict.message)
    sys.exit(0 if verdict.ok else 1)


def _safe_url(url: str) -> str:
    """The URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
