"""Random and hostile data posted to every form of the app, by someone allowed to use it:
never a 500, and a refused request stores nothing."""

import hashlib

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minequiz.extensions import db
from tests.factories import FORM_TOKEN
from tests.web.test_permissions import ROLES, ROUTES

# Who may use each posted route: the first role the permissions table lets through.
REFUSED = {302, 401, 403, 404, 405}
POSTS = [
    (path, next(role for role in ROLES if expected[role] not in REFUSED))
    for method, path, expected in ROUTES
    if method == "POST" and any(expected[role] not in REFUSED for role in ROLES)
]
FIELDS = st.sampled_from(
    [
        "revision", "title_nb", "title_en", "summary_en", "body_nb", "position", "messages", "kind", "message",
        "answer", "choices-0-text_en", "choices-0-correct", "choices-0-place", "choices-1-remove", "prompt_en",
        "name", "code", "pin", "username", "password", "display_name", "role", "slug", "language", "number",
        "direction", "action", "document", "age_group", "gender", "disability", "ticket", "q1", "text_nb",
        "resume", "resume_url", "closed", "next",
    ]
)  # fmt: skip
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(
        [
            "", "0", "-1", "1", "2", "99999999999999999999", "1e9", "NaN", "true", "y", "up", "single", "order",
            "nb", "en", "xx", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
            "' OR 1=1 --", "../../etc/passwd", "\x00", "\u202e", "{}", "[]", '{"slug": 1}', "%s%s%n",
        ]
    ),
)  # fmt: skip


def fingerprint(app) -> str:
    """Every row of every table, hashed: equal before and after when nothing was stored."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()


def token_of(client) -> str:
    return FORM_TOKEN.search(client.get("/en/join").get_data(as_text=True)).group(1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(POSTS),
    fields=st.dictionaries(FIELDS, st.lists(HOSTILE, min_size=1, max_size=2), max_size=7),
    with_token=st.booleans(),
)
def test_hostile_posts_to_every_form_never_fail_and_store_nothing_when_refused(app, world, route, fields, with_token):
    path, role = route
    client = world["clients"][role]
    url = path.format(**{k: v for k, v in world.items() if k != "clients"})
    data = dict(fields)
    if with_token:
        data["csrf_token"] = token_of(client)
    before = fingerprint(app)

    response = client.post(url, data=data)

    assert response.status_code < 500, (url, role, response.status_code)
    if response.status_code >= 400:
        assert fingerprint(app) == before, (url, role, response.status_code)
