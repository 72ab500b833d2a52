"""A store (one iSeller shop, one Accurate database) and the people who use isacc."""

import enum
import hashlib
import hmac
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from isacc.crypto import EncryptedText, digest
from isacc.extensions import db
from isacc.models.base import UTCDateTime, created_at, str_enum, updated_at


class SyncMode(enum.StrEnum):
    REALTIME = "realtime"
    SHIFT_CLOSE = "shift_close"
    SCHEDULED = "scheduled"


class TaxMode(enum.StrEnum):
    """How the store's sales tax reaches Accurate (isacc.tax)."""

    UNSET = "unset"  # not chosen yet: as NONE, and the overview asks the owner to choose
    NONE = "none"  # not a taxable enterprise: what the till adds is part of the price
    PPN = "ppn"  # value added tax, booked as Accurate's tax
    PB1 = "pb1"  # the regional restaurant tax, booked as Accurate's tax


class Role(enum.StrEnum):
    OWNER = "owner"
    SUPPORT = "support"
    ADMIN = "admin"


class Store(db.Model):
    __tablename__ = "store"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # iSeller's own id for the shop: inbound events name the store by it.
    iseller_id: Mapped[str] = mapped_column(String(64), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")

    sync_mode: Mapped[SyncMode] = mapped_column(str_enum(SyncMode), default=SyncMode.REALTIME)
    # Times of day "HH:MM" in the store's time zone.
    sync_times: Mapped[list] = mapped_column(JSON, default=list)
    # On: transfers and stock opnames wait for transfer_sync_times; off: real time.
    transfer_sync_scheduled: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer_sync_times: Mapped[list] = mapped_column(JSON, default=list)
    customer_id_mapping: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sales tax: the mode, and for PPN or PB1 the Accurate tax (tax/list.do) invoices name,
    # with the rate and sales tax account read from it when the owner chose it.
    tax_mode: Mapped[TaxMode] = mapped_column(str_enum(TaxMode, 8), default=TaxMode.UNSET)
    tax_name: Mapped[str | None] = mapped_column(String(120))
    tax_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    tax_account_no: Mapped[str | None] = mapped_column(String(40))
    # The sales channels besides the till whose orders reach Accurate (isacc.channels), each
    # with the Accurate customer its sales are invoiced to: {"marketplace:tokopedia":
    # {"customer_no": "TOKOPEDIA"}}. A channel not here is kept out of the books.
    sales_channels: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when the owner first saves the settings: the last step of the setup checklist.
    settings_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # HMAC key iSeller signs inbound events with. The previous key stays valid until
    # previous_key_valid_until so a rotation never drops events in flight.
    inbound_key: Mapped[str] = mapped_column(EncryptedText())
    previous_inbound_key: Mapped[str | None] = mapped_column(EncryptedText())
    previous_key_valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Accurate signs no webhook, so its URL carries this secret instead.
    webhook_token: Mapped[str] = mapped_column(EncryptedText())
    # Its digest, set with it: a notice finds its store by an index, decrypting one token
    # (none when refused) instead of every store's.
    webhook_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)

    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    outlets = relationship("Outlet", back_populates="store", order_by="Outlet.name")
    accurate = relationship("AccurateConnection", back_populates="store", uselist=False)
    iseller = relationship("IsellerConnection", back_populates="store", uselist=False)

    @validates("webhook_token")
    def _digest_webhook_token(self, key, token: str) -> str:
        self.webhook_token_digest = digest(token) if token else None
        return token

    def __repr__(self) -> str:
        return f"<Store {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        # Owners belong to exactly one store; support and admin work across stores.
        CheckConstraint(
            "(role = 'owner' AND store_id IS NOT NULL) OR (role <> 'owner' AND store_id IS NULL)",
            name="owner_has_store",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    # "en" or "id"; None: the browser's language decides.
    locale: Mapped[str | None] = mapped_column(String(8))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised when the user is deactivated or reactivated: sessions opened before stay ended.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    store = relationship("Store")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.SUPPORT, Role.ADMIN)

    def get_id(self) -> str:
        """What the session and remember cookie keep: the id and a mark of the password and
        the session epoch, so a new password, or a deactivation (even one undone later),
        ends every session opened before."""
        return f"{self.id}:{self.password_mark()}"

    def password_mark(self) -> str:
        # Keyed: the cookie is readable, and must not hand out a verifier of the password.
        key = current_app.config["SECRET_KEY"].encode()
        signed = f"{self.password_hash}:{self.session_epoch or 0}".encode()
        return hmac.new(key, signed, hashlib.sha256).hexdigest()[:16]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
