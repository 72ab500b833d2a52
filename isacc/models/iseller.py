"""A store's link to its iSeller store: OAuth tokens (encrypted), the store's API host, the
webhook set-up iSeller signs its notices with, and the notices received."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.crypto import EncryptedText
from isacc.extensions import db
from isacc.models.accurate import ConnectionStatus
from isacc.models.activity import Status
from isacc.models.base import BigId, UTCDateTime, created_at, str_enum, updated_at


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
    # The webhook set-up the merchant enters under Apps -> Webhook: the URLs carry
    # webhook_id (not a secret: it only says which store a notice claims to be from), and
    # iSeller signs each notice with webhook_key, the "API key" of iseller-api.md d6.
    webhook_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    webhook_key: Mapped[str | None] = mapped_column(EncryptedText())
    webhook_key_made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last signed notice that got in: the Connect page's "are webhooks reaching isacc?"
    webhook_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The catch-up (catch_up.py): orders modified since orders_cursor are read from GetOrders
    # every few minutes, so a notice iSeller never sent costs minutes, not a sale. The first
    # import sets the cursor back to the day the owner chose.
    orders_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # GetProducts by modified time, the same way (catalogue.py).
    products_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime())
    catch_up_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    caught_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    catch_up_error: Mapped[str | None] = mapped_column(Text)
    wording: Mapped[dict | None] = mapped_column(JSON)  # catch_up_error's (isacc.reasons)
    connected_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    store = relationship("Store", back_populates="iseller")


class IsellerNotice(db.Model):
    """One webhook notice iSeller sent (an order placed or changed...), kept as it came and
    then read in full from iSeller's API into isacc's records by a worker. The row is the
    truth: a notice answered 200 is never lost, whatever happens after."""

    __tablename__ = "iseller_notice"
    __table_args__ = (
        # iSeller retries a notice it thinks failed, and a replayed request is the same
        # notice again: one row per (event type, body), as iseller-api.md d11 suggests.
        UniqueConstraint("store_id", "dedupe_key"),
        Index("ix_iseller_notice_status_due", "status", "due_at"),
        Index("ix_iseller_notice_store_time", "store_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    event_type: Mapped[str] = mapped_column(String(32))
    # The record the notice is about (an order's order_id), read again through the API.
    iseller_id: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(64))
    # iSeller's Timestamp header: notices of a store are worked oldest first by it.
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[Status] = mapped_column(str_enum(Status, 8), default=Status.PENDING)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    wording: Mapped[dict | None] = mapped_column(JSON)  # as on SyncActivity
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    store = relationship("Store")
