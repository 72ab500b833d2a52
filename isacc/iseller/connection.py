"""A store's iSeller connection: the grant kept (tokens encrypted at rest), the store it
reaches named from GetStoreInfo, its outlets brought in, the webhook set-up, and all of it
forgotten on disconnect."""

import secrets

from isacc.crypto import new_secret
from isacc.extensions import db
from isacc.inbound.body import digest
from isacc.iseller import orders, store_api
from isacc.iseller.oauth import Grant
from isacc.models import ConnectionStatus, IsellerConnection, Store
from isacc.models.base import utcnow
from isacc.sync.ingest import ingest


def save_grant(store: Store, grant: Grant) -> IsellerConnection:
    """Keep a new grant once the store's API answers with it (GetStoreInfo), so a connection
    that is shown as made does work; the store's outlets come in with it, ready to map."""
    info = store_api.store_info(grant.api_host, grant.access_token)
    link = store.iseller or IsellerConnection(store_id=store.id)
    link.status = ConnectionStatus.CONNECTED
    link.access_token, link.refresh_token = grant.access_token, grant.refresh_token
    link.token_expires_at, link.api_host = grant.expires_at, grant.api_host
    link.store_name = str(info.get("store_name") or "")[:120] or None
    link.connected_at = utcnow()
    # The webhook URLs stay the same across reconnections: the merchant entered them once.
    link.webhook_id = link.webhook_id or secrets.token_hex(16)
    db.session.add(link)
    for event in orders.outlet_events(info):
        ingest(store, "outlet", event, body_digest=digest(event.model_dump(mode="json")))
    db.session.commit()
    return link


def make_webhook_key(link: IsellerConnection) -> str:
    """A new key for iSeller to sign its notices with; the one before stops working at once.
    Returned to be shown once: isacc keeps it encrypted and never shows it again."""
    link.webhook_key, link.webhook_key_made_at = new_secret(), utcnow()
    db.session.commit()
    return link.webhook_key


def disconnect(store: Store) -> None:
    """Forget the tokens and the webhook key: isacc reads nothing from iSeller, and takes no
    notice in, until the owner connects again."""
    if store.iseller is not None:
        db.session.delete(store.iseller)
        db.session.commit()
