"""Products and their SKU problems."""

from flask import Blueprint, g

from isacc.access import Rule, allow, in_store
from isacc.extensions import db
from isacc.models import Product
from isacc.products import sku_problems
from isacc.web.pages import page

bp = Blueprint("products", __name__, url_prefix="/stores/<int:store_id>/products")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def index(store_id):
    products = db.session.scalars(
        db.select(Product).where(Product.store_id == g.store.id).order_by(Product.name)
    ).all()
    return page("products.html", products=products, problems=sku_problems(g.store.id))


@bp.route("/<int:product_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, product_id):
    return page("product.html", product=in_store(Product, product_id))
