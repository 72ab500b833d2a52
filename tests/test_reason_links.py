"""A reason's value may be a link to a page of isacc: stored with the reason, shown as a link."""

import pickle

from isacc.reasons import Link, Said, say


def test_a_link_in_a_reason_survives_storing_and_shows_escaped(app):
    reason = say("Fix %(what)s first.", what=Link(say("the <products> & SKUs"), "products.index",
                                                   store_id=7, q="A&B"))
    for kept in (Said.from_json(reason.to_json()), pickle.loads(pickle.dumps(reason))):  # noqa: S301
        assert kept == reason == "Fix the <products> & SKUs first."
        assert Said.join([kept, reason]).parts == reason.parts  # one sentence, not two
        with app.test_request_context():
            assert kept.html() == ('Fix <a href="/stores/7/products/?q=A%26B">the &lt;products'
                                   '&gt; &amp; SKUs</a> first.')
            assert kept.translated() == "Fix the <products> & SKUs first."
