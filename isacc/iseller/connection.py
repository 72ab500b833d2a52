"""A store's iSeller connection: the grant kept (tokens encrypted at rest), the store it
reaches named from GetStoreInfo, and forgotten on disconnect."""

from isacc.extensions import db
from isacc.iseller import store_api
from isacc.iseller.oauth import Grant
from isacc.models import ConnectionStatus, IsellerConnection, Store
from isacc.models.base import utcnow


def save_grant(store: Store, grant: Grant) -> IsellerConnection:
    """Keep a new grant once the store's API answers with it (GetStoreInfo), so a connection
    that is shown as made does work."""
    info = store_api.store_info(grant.api_host, grant.access_token)
    link = store.iseller or IsellerConnection(store_id=store.id)
    link.status = ConnectionStatus.CONNECTED
    link.access_token, link.refresh_token = grant.access_token, grant.refresh_token
    link.token_expires_at, link.api_host = grant.expires_at, grant.api_host
    link.store_name = str(info.get("store_name") or "")[:120] or None
    link.connected_at = utcnow()
    db.session.add(link)
    db.session.commit()
    return link


def disconnect(store: Store) -> None:
    """Forget the tokens: isacc reads nothing from iSeller until the owner connects again."""
    if store.iseller is not None:
        db.session.delete(store.iseller)
        db.session.commit()
