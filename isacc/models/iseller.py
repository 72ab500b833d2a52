"""A store's link to its iSeller store: OAuth tokens (encrypted) and the store's API host."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.crypto import EncryptedText
from isacc.extensions import db
from isacc.models.accurate import ConnectionStatus
from isacc.models.base import UTCDateTime, created_at, str_enum, updated_at


class IsellerConnection(db.Model):
    __tablename__ = "iseller_connection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), unique=True)
    status: Mapped[ConnectionStatus] = mapped_column(str_enum(ConnectionStatus, 20))
    access_token: Mapped[str] = mapped_column(EncryptedText())
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText())
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The token answer's resource_url: https://{storename}.isellershop.com, where the store's
    # Public API v2 and ERP API live.
    api_host: Mapped[str] = mapped_column(String(255))
    store_name: Mapped[str | None] = mapped_column(String(120))
    connected_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    store = relationship("Store", back_populates="iseller")
