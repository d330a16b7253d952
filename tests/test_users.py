"""Users, roles and languages: the library rules and the `user` commands."""

from __future__ import annotations

import json

import pytest

from tool.errors import ConflictError, InputError, NotFoundError, PermissionDenied, ToolError
from tool.services.users import add_user, get_user, list_users, require_user


def test_bootstrap_desk_is_open_until_the_first_user(db):
    anyone = require_user(db, "whoever", roles=("editor",), lang="fr")
    assert anyone.role == "admin" and anyone.bootstrap
    first = add_user(db, "root", "admin", [], by="whoever")
    assert first.name == "root" and first.role == "admin"
    with pytest.raises(PermissionDenied) as error:
        require_user(db, "whoever")
    assert str(error.value) == "unknown user 'whoever': ask an admin to add you with `user add`"


def test_only_admins_add_users_after_the_first(db):
    add_user(db, "root", "admin", [], by="root")
    add_user(db, "ana", "translator", ["en"], by="root")
    with pytest.raises(PermissionDenied) as error:
        add_user(db, "bob", "translator", ["en"], by="ana")
    assert str(error.value) == "ana is a translator: only admins may do this"
    with pytest.raises(PermissionDenied, match="unknown user 'stranger'"):
        add_user(db, "bob", "translator", ["en"], by="stranger")
    assert [u.name for u in list_users(db)] == ["ana", "root"]


def test_add_user_validates(db):
    add_user(db, "root", "admin", [], by="root")
    with pytest.raises(ConflictError, match="user 'root' already exists"):
        add_user(db, "root", "admin", [], by="root")
    with pytest.raises(InputError, match="unknown role 'boss'"):
        add_user(db, "x", "boss", ["en"], by="root")
    with pytest.raises(InputError, match="a translator needs at least one language"):
        add_user(db, "x", "translator", [], by="root")
    with pytest.raises(InputError, match="invalid user name 'a b'"):
        add_user(db, "a b", "translator", ["en"], by="root")
    with pytest.raises(ToolError, match="unknown language"):
        add_user(db, "x", "translator", ["klingon"], by="root")
    user = add_user(db, "gb", "editor", ["en-GB", "ro", "ro"], by="root")
    assert user.languages == ("en_GB", "ro")
    assert get_user(db, "gb") == user
    with pytest.raises(NotFoundError, match="no user 'nobody'"):
        get_user(db, "nobody")


def test_require_user_roles_and_languages(db):
    add_user(db, "root", "admin", [], by="root")
    add_user(db, "ana", "translator", ["en", "pt"], by="root")
    add_user(db, "eve", "editor", ["en"], by="root")
    assert require_user(db, "ana", lang="en").name == "ana"
    assert require_user(db, "ana", lang="pt_BR").name == "ana"  # a variant of her language
    with pytest.raises(PermissionDenied) as error:
        require_user(db, "ana", roles=("editor", "admin"))
    assert str(error.value) == "ana is a translator: only editors or admins may do this"
    with pytest.raises(PermissionDenied) as error:
        require_user(db, "eve", lang="ru")
    assert str(error.value) == (
        "eve does not work in ru (their languages: en); ask an admin to add it"
    )
    admin = require_user(db, "root", roles=("editor",), lang="uk")
    assert admin.is_admin and not admin.bootstrap


def test_user_commands(run):
    assert run("user", "list").output == (
        "no users yet: the desk is open to everyone until the first `user add`\n"
    )
    result = run("user", "add", "root", "--role", "admin", user="someone")
    assert result.exit_code == 0, result.output
    assert result.output == "added root: admin (all languages)\n"
    result = run(
        "user", "add", "ana", "--role", "translator", "--lang", "en", "--lang", "ru", user="root"
    )
    assert result.output == "added ana: translator (en, ru)\n"
    refused = run("user", "add", "bob", "--role", "editor", "--lang", "en", user="ana")
    assert refused.exit_code == 1
    assert refused.stderr == "Error: ana is a translator: only admins may do this\n"
    unknown = run("user", "add", "bob", "--role", "editor", "--lang", "en", user="bob")
    assert unknown.stderr == (
        "Error: unknown user 'bob': ask an admin to add you with `user add`\n"
    )
    bad_role = run("user", "add", "bob", "--role", "boss", user="root")
    assert bad_role.exit_code == 2
    lines = run("user", "list").output.splitlines()
    assert lines[0].split() == ["name", "role", "languages", "added", "status"]
    assert lines[2].split()[:4] == ["ana", "translator", "en", "ru"]
    data = json.loads(run("user", "list", "--json").output)
    assert [(u["name"], u["role"], u["languages"]) for u in data] == [
        ("ana", "translator", ["en", "ru"]),
        ("root", "admin", []),
    ]


def test_the_first_user_must_be_an_admin(db):
    with pytest.raises(InputError) as error:
        add_user(db, "ana", "translator", ["en"], by="ana")
    assert str(error.value) == (
        "the first user of a desk must be an admin (--role admin), or nobody could add the others"
    )
    assert list_users(db) == []


def test_change_and_disable_users_with_history(db):
    from tool.services.users import disable_user, set_user, users_history_problems

    add_user(db, "root", "admin", [], by="root")
    add_user(db, "ana", "translator", ["en"], by="root")
    with pytest.raises(PermissionDenied, match="ana is a translator: only admins may do this"):
        set_user(db, "ana", role="editor", by="ana")
    changed = set_user(db, "ana", role="editor", languages=["en", "ru"], by="root")
    assert (changed.role, changed.languages) == ("editor", ("en", "ru"))
    assert get_user(db, "ana").role == "editor"
    with pytest.raises(InputError, match="say what to change"):
        set_user(db, "ana", by="root")
    with pytest.raises(ConflictError) as error:
        set_user(db, "root", role="editor", languages=["en"], by="root")
    assert str(error.value) == "root is the last admin and cannot be demoted; add another first"
    with pytest.raises(ConflictError, match="root is the last admin and cannot be disabled"):
        disable_user(db, "root", by="root")
    disable_user(db, "ana", by="root")
    with pytest.raises(PermissionDenied) as error:
        require_user(db, "ana")
    assert str(error.value) == "user 'ana' is disabled: ask an admin (`user enable`)"
    disable_user(db, "ana", by="root", enable=True)
    assert require_user(db, "ana").role == "editor"
    actions = [
        (r[0], json.loads(r[1])["name"])
        for r in db.execute("SELECT action, detail FROM events WHERE unit_id IS NULL ORDER BY id")
    ]
    assert actions == [
        ("user-add", "root"),
        ("user-add", "ana"),
        ("user-set", "ana"),
        ("user-disable", "ana"),
        ("user-enable", "ana"),
    ]
    assert users_history_problems(db) == []
    db.execute("UPDATE users SET role = 'admin' WHERE name = 'ana'")  # edited into the file
    assert users_history_problems(db) == [
        'user ana differs from their history ({"disabled": false, "languages": ["en", "ru"], '
        '"role": "editor"})'
    ]


def test_user_set_disable_enable_commands(run):
    run("user", "add", "root", "--role", "admin", user="root")
    run("user", "add", "ana", "--role", "translator", "--lang", "en", user="root")
    result = run("user", "set", "ana", "--role", "editor", user="root")
    assert (result.exit_code, result.output) == (0, "ana: editor (en)\n")
    assert run("user", "disable", "ana", user="root").output == "disabled ana\n"
    listing = run("user", "list", user="root").output
    assert "disabled" in listing.splitlines()[2] or "disabled" in listing
    assert run("mine", user="ana").stderr == (
        "Error: user 'ana' is disabled: ask an admin (`user enable`)\n"
    )
    assert run("user", "enable", "ana", user="root").output == "enabled ana\n"
    assert run("user", "disable", "root", user="root").exit_code == 1
