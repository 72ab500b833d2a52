"""`flask isacc ...`: demo data, stores and user accounts."""

import click
from flask import current_app

from isacc.demo import DEMO_LOGINS, build_demo, demo_exists
from isacc.extensions import db
from isacc.models import Role, Store
from isacc.stores import DEFAULT_TIMEZONE, TIMEZONES, StoreError, create_store
from isacc.users import UserError, create_user

isacc_cli = click.Group("isacc", help="isacc administration.")


@isacc_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when a demo exists.")
def demo(if_empty: bool) -> None:
    """Create the demo store, its trade and the owner/support/admin logins."""
    if current_app.config["ISACC_ENV"] == "production":
        raise click.ClickException("demo data is refused in production")
    if demo_exists():
        if not if_empty:
            raise click.ClickException("the demo store already exists")
        click.echo("Demo store already loaded. Logins:")
    else:
        build_demo()
        click.echo("Demo store created. Logins:")
    for email, password, role, _name in DEMO_LOGINS:
        click.echo(f"  {role.value:<8} {email}  password: {password}")


@isacc_cli.command("reconcile")
def reconcile() -> None:
    """Enqueue every lane with due pending work (after a Redis loss or a crash)."""
    from isacc.sync.lanes import dispatch_due

    click.echo(f"Enqueued {dispatch_due()} lane(s) with due work.")


@isacc_cli.command("rotate-secrets")
def rotate_secrets() -> None:
    """Re-encrypt every stored secret with the first of ENCRYPTION_KEYS.

    Key rotation without downtime: put the new key first (every process reads old secrets
    with the old key and writes new ones with the new key), run this, then drop the old key.
    """
    from sqlalchemy.orm.attributes import flag_modified

    from isacc.crypto import EncryptedText

    rewritten = 0
    for mapper in db.Model.registry.mappers:
        secret_columns = [c.key for c in mapper.columns if isinstance(c.type, EncryptedText)]
        if not secret_columns:
            continue
        for row in db.session.scalars(db.select(mapper.class_)):
            for name in secret_columns:
                if getattr(row, name) is not None:
                    flag_modified(row, name)  # written back, so encrypted with the first key
                    rewritten += 1
    db.session.commit()
    click.echo(f"Re-encrypted {rewritten} secret(s) with the first key.")


@isacc_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--store", "store_ref", help="The owner's store: its id or iSeller id.")
@click.password_option()
def create_user_command(email, name, role, store_ref, password) -> None:
    """Create a user; owners need --store."""
    store = None
    if store_ref:
        store = db.session.scalar(
            db.select(Store).where(
                (Store.iseller_id == store_ref)
                | (Store.id == (int(store_ref) if store_ref.isdigit() else -1))
            )
        )
        if store is None:
            raise click.ClickException(f"no store {store_ref!r}")
    try:
        user = create_user(email=email, password=password, role=Role(role), name=name,
                           store=store)
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@isacc_cli.command("create-store")
@click.option("--name", required=True)
@click.option("--iseller-id", required=True, help="The shop's id in iSeller.")
@click.option("--timezone", type=click.Choice(list(TIMEZONES)), default=DEFAULT_TIMEZONE,
              show_default=True)
def create_store_command(name, iseller_id, timezone) -> None:
    """Create a store; prints its inbound key and webhook token once."""
    try:
        created = create_store(name=name, iseller_id=iseller_id, timezone=timezone)
    except StoreError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    store = created.store
    click.echo(f"Created store {store.id} {store.name!r} (iSeller id {store.iseller_id}, "
               f"{store.timezone}).")
    click.echo("Shown once, not again; copy them now:")
    click.echo(f"  inbound signing key (give it to iSeller): {created.inbound_key}")
    click.echo(f"  Accurate webhook path: /webhooks/accurate/{store.webhook_token}")
    click.echo("  (prefix it with the address isacc is served at)")
