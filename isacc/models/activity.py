"""The rows people watch: a sync activity per document sent to Accurate, a webhook log row
per Accurate event applied to iSeller, and the inbound events already accepted."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from isacc.extensions import db
from isacc.models.base import BigId, UTCDateTime, created_at, str_enum, updated_at


class Status(enum.StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class ActivityKind(enum.StrEnum):
    """The Accurate document an activity creates."""

    CUSTOMER = "customer"
    SALES_INVOICE = "sales_invoice"
    SALES_RECEIPT = "sales_receipt"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    STOCK_OPNAME = "stock_opname"
    STOCK_ADJUSTMENT = "stock_adjustment"
    OTHER_DEPOSIT = "other_deposit"
    OTHER_PAYMENT = "other_payment"
    BANK_TRANSFER = "bank_transfer"
    PAYOUT = "payout"


class SyncActivity(db.Model):
    """One document to create in Accurate. The row is the truth; an RQ job only carries it."""

    __tablename__ = "sync_activity"
    __table_args__ = (
        # One document per source record: a duplicate delivery cannot make a second one.
        UniqueConstraint("store_id", "kind", "source_kind", "source_id"),
        # The activity table's filters, newest first, with (created_at, id) as the cursor.
        Index("ix_activity_store_time", "store_id", "created_at", "id"),
        Index("ix_activity_store_status_time", "store_id", "status", "created_at", "id"),
        Index("ix_activity_store_outlet_time", "store_id", "outlet_id", "created_at", "id"),
        Index("ix_activity_store_kind_time", "store_id", "kind", "created_at", "id"),
        # The support view (failures across stores) and the dispatcher (what is due).
        Index("ix_activity_status_time", "status", "created_at", "id"),
        Index("ix_activity_status_due", "status", "due_at"),
        Index("ix_activity_store_refreshed", "store_id", "refreshed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"))
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind))
    # The iSeller record it comes from: table name and id, and the number people know it by.
    source_kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int] = mapped_column(Integer)
    source_number: Mapped[str | None] = mapped_column(String(64))
    # When it happened in iSeller: the order the documents go in, oldest first.
    source_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[Status] = mapped_column(str_enum(Status, 8), default=Status.PENDING)
    # The activity this one waits for (a transfer in waits for its transfer out).
    waits_for_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("sync_activity.id"), index=True
    )
    # None while it waits for a shift close; otherwise the earliest time it may be sent.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Tries against the retry budget; a refresh starts a fresh budget.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set before every send and cleared once Accurate's answer is known: while set, an
    # earlier attempt may have saved the document, so the next one looks it up first
    # (kept apart from the budget, so a refresh never forgets it).
    outcome_unknown: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=sa_false())
    reason: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    # The same reason and next step as message ids and values (isacc.reasons), so each
    # reader gets them in their own language; Accurate's own messages word for word.
    wording: Mapped[dict | None] = mapped_column(JSON)
    # Decided before the first attempt, so a retry can look the document up by number.
    accurate_number: Mapped[str | None] = mapped_column(String(64))
    accurate_id: Mapped[int | None] = mapped_column(Integer)
    # A worker's claim: no other worker sends this row until claimed_until has passed.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The moment a person last refreshed it: the rows refreshed together share it, so the
    # page can show how far that refresh has got.
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    store = relationship("Store")
    outlet = relationship("Outlet")
    waits_for = relationship("SyncActivity", remote_side=[id])


class WebhookLog(db.Model):
    """One Accurate event (purchase order, goods received, transfer in...) applied to iSeller."""

    __tablename__ = "webhook_log"
    __table_args__ = (
        # Accurate may deliver an event twice; the second delivery finds this key taken.
        UniqueConstraint("store_id", "dedupe_key"),
        Index("ix_webhook_store_time", "store_id", "created_at", "id"),
        Index("ix_webhook_store_status_time", "store_id", "status", "created_at", "id"),
        Index("ix_webhook_store_outlet_time", "store_id", "outlet_id", "created_at", "id"),
        Index("ix_webhook_store_type_time", "store_id", "event_type", "created_at", "id"),
        Index("ix_webhook_status_time", "status", "created_at", "id"),
        # The scheduler tick: pending rows whose backoff ended, notices still owed to iSeller.
        Index("ix_webhook_status_due", "status", "due_at"),
        Index("ix_webhook_notice_due", "notice_due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"))
    event_type: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(160))
    accurate_id: Mapped[int | None] = mapped_column(Integer)
    accurate_number: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    # When Accurate says the event happened (the notice's timestamp): rows of a store are
    # applied oldest first by it.
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[Status] = mapped_column(str_enum(Status, 8), default=Status.PENDING)
    # The earliest time a pending row may be tried (later after Accurate failed to answer).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    wording: Mapped[dict | None] = mapped_column(JSON)  # as on SyncActivity
    # The transfers iSeller is owed for this row's stock change (CreateTransfer bodies, each
    # marked sent and done: isacc/webhooks/notify.py), written in the same transaction as the
    # change; notice_due_at is cleared once iSeller has them all.
    notice: Mapped[dict | None] = mapped_column(JSON)
    notice_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    store = relationship("Store")
    outlet = relationship("Outlet")


class AppliedDocument(db.Model):
    """What one Accurate document (a purchase, a receipt, a transfer in) has done to iSeller
    stock so far. Applying a newer version of it changes stock by the difference only, and
    `version` makes two workers applying it at once conflict instead of both adding."""

    __tablename__ = "applied_document"
    __table_args__ = (UniqueConstraint("store_id", "event_type", "accurate_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    event_type: Mapped[str] = mapped_column(String(32))
    accurate_id: Mapped[int] = mapped_column(Integer)
    accurate_number: Mapped[str | None] = mapped_column(String(64))
    # {"<product id>:<outlet id>": ["<on hand>", "<incoming>"]}, quantities as decimal text.
    effect: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = updated_at()


class InboundEvent(db.Model):
    """An iSeller event already accepted, keyed by iSeller's own event id (idempotency)."""

    __tablename__ = "inbound_event"
    __table_args__ = (
        UniqueConstraint("store_id", "event_id"),
        # The overview's "last iSeller event", asked on every poll of its status panel.
        Index("ix_inbound_event_store_time", "store_id", "received_at"),
        # A signed request is used up by the event it stored (replays are refused by it).
        Index("ix_inbound_event_signature", "signature", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(40))
    # SHA-256 of the body's JSON with sorted keys: the same event_id with another body is a
    # conflict, not a repeat. None for events stored before digests were kept.
    body_digest: Mapped[str | None] = mapped_column(String(64))
    # The X-Isacc-Signature of the request that stored it (None before signatures were kept).
    signature: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[datetime] = created_at()
