"""What stands between a store's products and Accurate: missing and duplicated SKUs."""

from dataclasses import dataclass, field

from sqlalchemy import func

from isacc.extensions import db
from isacc.models import Product


@dataclass
class SkuProblems:
    missing: list[Product] = field(default_factory=list)
    # SKU -> the products sharing it
    duplicated: dict[str, list[Product]] = field(default_factory=dict)

    @property
    def duplicated_products(self) -> int:
        return sum(len(group) for group in self.duplicated.values())

    @property
    def any(self) -> bool:
        return bool(self.missing or self.duplicated)


def sku_problems(store_id: int) -> SkuProblems:
    missing = db.session.scalars(
        db.select(Product)
        .where(Product.store_id == store_id, func.coalesce(func.trim(Product.sku), "") == "")
        .order_by(Product.name)
    ).all()
    shared = (
        db.select(Product.sku)
        .where(Product.store_id == store_id, func.coalesce(func.trim(Product.sku), "") != "")
        .group_by(Product.sku)
        .having(func.count() > 1)
    )
    duplicated: dict[str, list[Product]] = {}
    for product in db.session.scalars(
        db.select(Product)
        .where(Product.store_id == store_id, Product.sku.in_(shared))
        .order_by(Product.sku, Product.name)
    ):
        duplicated.setdefault(product.sku, []).append(product)
    return SkuProblems(missing=list(missing), duplicated=duplicated)
