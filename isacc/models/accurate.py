"""A store's link to its Accurate database: OAuth tokens (encrypted) and the open session."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.crypto import EncryptedText
from isacc.extensions import db
from isacc.models.base import UTCDateTime, created_at, str_enum, updated_at


class ConnectionStatus(enum.StrEnum):
    CONNECTED = "connected"
    # Accurate refused our refresh token: the owner must connect again; jobs pause.
    NEEDS_RECONNECT = "needs_reconnect"


class AccurateConnection(db.Model):
    __tablename__ = "accurate_connection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), unique=True)
    status: Mapped[ConnectionStatus] = mapped_column(str_enum(ConnectionStatus, 20))
    access_token: Mapped[str] = mapped_column(EncryptedText())
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText())
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scope: Mapped[str | None] = mapped_column(Text)
    # Chosen after consent from db-list.do; host and session come from open-db.do.
    database_id: Mapped[int | None] = mapped_column(Integer)
    database_alias: Mapped[str | None] = mapped_column(String(120))
    host: Mapped[str | None] = mapped_column(String(255))
    session_id: Mapped[str | None] = mapped_column(EncryptedText())
    last_error: Mapped[str | None] = mapped_column(Text)
    # Accurate stops sending webhooks silently 7 days after the last renewal: the daily
    # renewal's outcome, and when the next renewal is due.
    webhook_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhook_renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhook_renew_error: Mapped[str | None] = mapped_column(Text)
    webhook_renew_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How far webhook-history.do has been read back for notices that never arrived.
    webhook_history_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhook_catch_up_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # last_error and webhook_renew_error as message ids and values (isacc.reasons).
    wording: Mapped[dict | None] = mapped_column(JSON)
    connected_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    store = relationship("Store", back_populates="accurate")

    @property
    def has_database(self) -> bool:
        return self.database_id is not None
