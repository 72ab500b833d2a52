"""A page of a long list (products, stores): offset pages of a fixed size, with the total, so
a page can say "41–80 of 1,234" and link to its neighbours."""

from dataclasses import dataclass

from sqlalchemy import func

from isacc.extensions import db


@dataclass
class Listing:
    items: list
    total: int
    page: int
    size: int
    search: str = ""

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)


def page_count(total: int, size: int) -> int:
    """How many pages `total` items fill (at least one, the empty one)."""
    return max(1, -(-total // size))


def paged(query, page: int, size: int, search: str = "") -> Listing:
    """Page `page` (from 1; out of range reads as the nearest page) of an ordered select().
    A select of one entity gives the entities, of several the rows."""
    total = db.session.scalar(db.select(func.count()).select_from(
        query.order_by(None).subquery()))
    page = min(max(page, 1), page_count(total, size))
    result = db.session.execute(query.offset((page - 1) * size).limit(size))
    items = result.scalars().all() if len(query.column_descriptions) == 1 else result.all()
    return Listing(list(items), total, page, size, search)
