"""The permission predicates as a matrix of actors × actions, without HTTP or a database.

The predicates read only their arguments, so unsaved model objects are enough.
Each view's HTTP test proves the gate is wired; this file proves the rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import Forbidden

from forum.accounts.models import Guest, Role, User
from forum.boards.models import Board
from forum.permissions import (
    TEMPLATE_PREDICATES,
    can_create_thread,
    can_edit_post,
    can_edit_profile,
    can_reply,
    require,
)
from forum.threads.models import Post, Thread

OWNER_ID = 1  # the author of the post and thread, and the owner of the profile
OTHER_ID = 2


def _user(*, user_id: int, role: Role = Role.MEMBER, active: bool = True) -> User:
    return User(id=user_id, username=f"user{user_id}", role=role, is_active=active)


# "author" owns the object acted on (wrote the post, owns the profile);
# "member" is another member in good standing; "inactive" is the owner, deactivated.
ACTORS: dict[str, Any] = {
    "guest": lambda: Guest(),
    "inactive": lambda: _user(user_id=OWNER_ID, active=False),
    "member": lambda: _user(user_id=OTHER_ID),
    "author": lambda: _user(user_id=OWNER_ID),
    "moderator": lambda: _user(user_id=OTHER_ID, role=Role.MODERATOR),
    "admin": lambda: _user(user_id=OTHER_ID, role=Role.ADMIN),
}


def _thread(*, locked: bool = False) -> Thread:
    return Thread(id=10, author_id=OWNER_ID, is_locked=locked, is_pinned=False)


def _post(thread: Thread) -> Post:
    return Post(id=100, thread_id=thread.id, author_id=OWNER_ID, position=1)


def _create_thread(user: Any) -> bool:
    return can_create_thread(user, Board(id=1, slug="webinar-1"))


def _reply_open(user: Any) -> bool:
    return can_reply(user, _thread())


def _reply_locked(user: Any) -> bool:
    return can_reply(user, _thread(locked=True))


def _edit_post_open(user: Any) -> bool:
    thread = _thread()
    return can_edit_post(user, _post(thread), thread)


def _edit_post_locked(user: Any) -> bool:
    thread = _thread(locked=True)
    return can_edit_post(user, _post(thread), thread)


def _edit_profile(user: Any) -> bool:
    return can_edit_profile(user, _user(user_id=OWNER_ID))


ACTIONS = {
    "create_thread": _create_thread,
    "reply_to_open_thread": _reply_open,
    "reply_to_locked_thread": _reply_locked,
    "edit_post_in_open_thread": _edit_post_open,
    "edit_post_in_locked_thread": _edit_post_locked,
    "edit_profile": _edit_profile,
}

T, F = True, False
# fmt: off
MATRIX = {
    #                             guest inactive member author moderator admin
    "create_thread":              (F,    F,       T,     T,     T,        T),
    "reply_to_open_thread":       (F,    F,       T,     T,     T,        T),
    "reply_to_locked_thread":     (F,    F,       F,     F,     T,        T),
    "edit_post_in_open_thread":   (F,    F,       F,     T,     T,        T),
    "edit_post_in_locked_thread": (F,    F,       F,     F,     T,        T),
    "edit_profile":               (F,    F,       F,     T,     F,        T),
}
# fmt: on

CASES = [
    pytest.param(action, actor, expected, id=f"{actor}-{action}")
    for action, row in MATRIX.items()
    for actor, expected in zip(ACTORS, row, strict=True)
]


@pytest.mark.parametrize(("action", "actor", "expected"), CASES)
def test_permission_matrix(action: str, actor: str, expected: bool) -> None:
    assert ACTIONS[action](ACTORS[actor]()) is expected


def test_matrix_covers_every_template_predicate() -> None:
    covered = {name.split("_to_")[0].split("_in_")[0] for name in MATRIX}
    assert {f"can_{name}" for name in covered} == set(TEMPLATE_PREDICATES)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_deactivated_moderator_or_admin_may_do_nothing(role: Role, action: str) -> None:
    assert ACTIONS[action](_user(user_id=OTHER_ID, role=role, active=False)) is False


def test_a_guest_may_not_edit_a_post_whose_author_was_deleted() -> None:
    # Both ids are None: the rule must not read that as "the guest wrote it".
    thread = _thread()
    orphan = Post(id=100, thread_id=thread.id, author_id=None, position=2)
    assert can_edit_post(Guest(), orphan, thread) is False


def test_a_member_may_not_edit_a_post_whose_author_was_deleted() -> None:
    thread = _thread()
    orphan = Post(id=100, thread_id=thread.id, author_id=None, position=2)
    assert can_edit_post(_user(user_id=OTHER_ID), orphan, thread) is False
    assert can_edit_post(_user(user_id=OTHER_ID, role=Role.MODERATOR), orphan, thread) is True


def test_a_guest_may_not_edit_a_guest_profile() -> None:
    assert can_edit_profile(Guest(), Guest()) is False


def test_template_predicates_are_the_very_functions_views_use() -> None:
    assert TEMPLATE_PREDICATES == {
        "can_create_thread": can_create_thread,
        "can_reply": can_reply,
        "can_edit_post": can_edit_post,
        "can_edit_profile": can_edit_profile,
    }


def test_require_passes_when_allowed() -> None:
    assert require(True) is None


def test_require_stops_with_403_when_not_allowed() -> None:
    with pytest.raises(Forbidden):
        require(False)
