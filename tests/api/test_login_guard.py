"""Password login: throttled per user and per client, same path for unknown users, failures audited."""

from __future__ import annotations

from copilot.services import auth as auth_mod
from copilot.services.auth import AuthStore
from copilot.services.login_guard import LoginGuard
from tests.api.conftest import Api


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_guard_locks_after_max_failures_and_doubles(tmp_path) -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, window_s=60, lockout_s=10, clock=clock)
    assert [guard.failed("user:a") for _ in range(2)] == [0.0, 0.0]
    assert guard.failed("user:a") == 10.0 and guard.retry_after("user:a") == 10.0
    clock.t += 11
    assert guard.retry_after("user:a") == 0.0
    assert guard.failed("user:a") == 20.0  # still 3+ failures in the window: the next lockout doubles
    clock.t += 100  # the window has passed
    assert guard.failed("user:a") == 0.0, "old failures fell out of the window"
    guard.succeeded("user:a")
    assert guard.retry_after("user:a") == 0.0


def test_wrong_passwords_lock_the_user_even_for_the_right_password(tmp_path) -> None:
    store = AuthStore(tmp_path / "auth.json", guard=LoginGuard(max_failures=5, lockout_s=60))
    store.add_user("alice", "operator", "right-password")
    store.add_user("bob", "operator", "bobs-password")
    for _ in range(5):
        assert store.verify_password("alice", "wrong") is None
    assert store.verify_password("alice", "right-password") is None, "locked"
    assert store.verify_password("bob", "bobs-password").user == "bob", "other users are not locked"


def test_one_client_spraying_user_names_is_locked(tmp_path) -> None:
    store = AuthStore(tmp_path / "auth.json", guard=LoginGuard(max_failures=5, lockout_s=60))
    store.add_user("alice", "operator", "right-password")
    for i in range(5):
        store.verify_password(f"guess{i}", "x", client="10.0.0.9")
    assert store.verify_password("alice", "right-password", client="10.0.0.9") is None
    assert store.verify_password("alice", "right-password", client="10.0.0.7").user == "alice"


def test_unknown_users_take_the_same_scrypt_path(tmp_path, monkeypatch) -> None:
    store = AuthStore(tmp_path / "auth.json")
    store.add_user("alice", "operator", "right-password")
    calls: list[str] = []
    real = auth_mod._hash_password
    monkeypatch.setattr(auth_mod, "_hash_password", lambda pw, salt: calls.append(salt) or real(pw, salt))
    store.verify_password("alice", "wrong")
    store.verify_password("nobody", "wrong")
    assert len(calls) == 2, "one scrypt for a known and for an unknown user"


def test_failed_logins_are_audited_with_the_claimed_user(api: Api) -> None:
    auth = api.app.state.services.auth
    assert auth.verify_password("operator", "wrong", client="10.1.1.1") is None
    assert auth.verify_password("ghost", "wrong") is None
    records = api.app.state.services.get_copilot().deps.audit.records()
    failed = [r for r in records if r["kind"] == "login_failed"]
    assert [(r["payload"]["user"], r["payload"]["reason"], r["actor"]) for r in failed] == [
        ("operator", "bad_password", "login:operator"), ("ghost", "unknown_user", "login:ghost")]
    assert "wrong" not in str(failed), "the tried password is never recorded"
