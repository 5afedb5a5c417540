"""Accounts over HTTP and the CLI: a leaver is locked out at once (tokens, console sessions,
sign-in 403 account_inactive), can be let back in, and a password can be set."""

from __future__ import annotations

from tests.api import PASSWORD
from tests.console import Console


def deactivate(api, user_id: str, *, as_: str = "supervisor", expect: int = 200) -> dict:
    return api.post(f"/api/v1/users/{user_id}/deactivate", None, as_=as_, expect=expect)


def reactivate(api, user_id: str, *, as_: str = "supervisor", expect: int = 200) -> dict:
    return api.post(f"/api/v1/users/{user_id}/reactivate", None, as_=as_, expect=expect)


def sign_in(api, username: str, password: str = PASSWORD):
    return api.request("POST", "/api/v1/auth/token",
                       {"username": username, "password": password})


def test_a_deactivated_users_token_stops_working_at_once(api, world):
    api.get("/api/v1/me", as_="engineer")

    answer = deactivate(api, world.ids["engineer"])

    assert answer["active"] is False
    assert api.get("/api/v1/me", as_="engineer", expect=401)["error"]["code"] == "invalid_token"
    device = api.device()
    device.push(device.mutation("workorder.note", work_order_id=world.ids["engineer"],
                                text="x"), expect=401)


def test_signing_in_to_a_deactivated_account_is_403_account_inactive(api, world):
    deactivate(api, world.ids["engineer"])

    response = sign_in(api, "engineer")

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "account_inactive"


def test_a_wrong_password_for_a_deactivated_account_still_reads_as_wrong_credentials(api,
                                                                                     world):
    deactivate(api, world.ids["engineer"])

    response = sign_in(api, "engineer", "not the password")

    assert response.status_code == 401  # nothing is revealed to someone guessing
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_a_reactivated_user_signs_in_again_but_old_tokens_stay_dead(api, world):
    old_token = api.tokens["engineer"]
    deactivate(api, world.ids["engineer"])

    assert reactivate(api, world.ids["engineer"])["active"] is True

    api.login("engineer")
    assert api.get("/api/v1/me", as_="engineer")["username"] == "engineer"
    api.tokens["old"] = old_token
    api.get("/api/v1/me", as_="old", expect=401)


def test_a_deactivated_dispatchers_console_session_ends_and_sign_in_is_refused(api, world,
                                                                             app):
    console = Console(app)
    assert console.login("dispatcher").status_code == 303
    assert console.get("/supervisor/").status_code == 200

    deactivate(api, world.ids["dispatcher"])

    assert console.get("/supervisor/").status_code in (302, 403)
    refused = Console(app).login("dispatcher")
    assert refused.status_code == 403
    assert "deactivated" in refused.get_data(as_text=True)


def test_a_console_session_from_before_a_deactivation_is_not_revived(api, world, app, clock):
    console = Console(app)
    console.login("dispatcher")
    clock.advance(minutes=1)
    deactivate(api, world.ids["dispatcher"])
    clock.advance(minutes=1)

    reactivate(api, world.ids["dispatcher"])

    assert console.get("/supervisor/").status_code in (302, 403)
    fresh = Console(app)
    assert fresh.login("dispatcher").status_code == 303


def test_an_inactive_engineer_gets_no_new_orders(api, world):
    deactivate(api, world.ids["engineer2"])
    order = api.create_order(world)

    answer = api.post(f"/api/v1/workorders/{order['id']}/assign",
                      {"engineer_id": world.ids["engineer2"]}, as_="dispatcher", expect=422)

    assert "engineer_id" in answer["error"]["details"]["fields"]


def test_only_supervisors_deactivate_and_nobody_deactivates_themselves(api, world):
    deactivate(api, world.ids["engineer"], as_="dispatcher", expect=403)
    deactivate(api, world.ids["engineer"], as_="engineer", expect=403)
    answer = deactivate(api, world.ids["supervisor"], expect=409)
    assert answer["error"]["code"] == "cannot_deactivate_self"
    deactivate(api, "00000000-0000-4000-8000-000000000000", expect=404)
    deactivate(api, "not-an-id", expect=404)


def test_set_password_changes_the_password(api, world):
    output = api.cli("user", "set-password", "engineer", "--password", "a new long secret")

    assert "password of engineer changed" in output
    assert sign_in(api, "engineer", PASSWORD).status_code == 401
    assert sign_in(api, "engineer", "a new long secret").status_code == 200


def test_set_password_prompts_when_no_password_is_given(api, world, app):
    result = app.test_cli_runner().invoke(args=["user", "set-password", "engineer"],
                                          input="prompted secret\nprompted secret\n")

    assert result.exit_code == 0, result.output
    assert sign_in(api, "engineer", "prompted secret").status_code == 200


def test_set_password_refuses_a_short_password_or_an_unknown_user(app, world):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["user", "set-password", "engineer", "--password", "short"])
    unknown = runner.invoke(args=["user", "set-password", "nobody", "--password", "long enough"])

    assert short.exit_code == 1 and "at least 8" in short.output
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.output
