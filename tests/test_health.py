"""/healthz tells a load balancer whether this process reaches its database."""

from __future__ import annotations

from forum import create_app


def test_healthz_reports_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # Built directly: make_app's clean-up would try to empty this unreachable database.
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/dir/x.sqlite3"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_https_deployments_send_hsts_and_secure_cookies(make_app):
    app = make_app(HTTPS=True)
    response = app.test_client().get("/")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_plain_http_deployments_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
