"""Signing in and out, your account (password, tokens), and the admins' user pages."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from tool.errors import ToolError
from tool.services import auth
from tool.services import users as users_service
from tool.services.users import ROLES, add_user, desk_is_open, list_users
from tool.web.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfRefused,
    PageUser,
    Posted,
    client_address,
    desk_of,
    optional_page_user,
    page_user,
    posted,
    safe_next,
    set_cookie,
)

router = APIRouter(include_in_schema=False)
LOGIN_KEY = "login-csrf"


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from its template (the context always carries ``page``)."""
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


# --- signing in and out ---------------------------------------------------------------------


def _login_page(
    request: Request,
    *,
    name: str = "",
    message: str = "",
    next_page: str = "/",
    status: int = 200,
) -> Response:
    db = desk_of(request).db()
    secret = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    token = auth.sign(auth.server_key(db, LOGIN_KEY), secret)
    response = render(
        request,
        "login.html",
        {
            "page": None,
            "csrf": token,
            "name": name,
            "message": message,
            "next": safe_next(next_page),
            "no_users": desk_is_open(db),
        },
        status,
    )
    set_cookie(request, response, LOGIN_COOKIE, secret, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in page (a signed-in browser goes straight on)."""
    if optional_page_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_page=next)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the name and password; a fresh session (new id) on success."""
    db = desk_of(request).db()
    secret = request.cookies.get(LOGIN_COOKIE, "")
    expected = auth.sign(auth.server_key(db, LOGIN_KEY), secret) if secret else ""
    if not auth.same_secret(csrf, expected):
        raise CsrfRefused("the sign-in form is out of date: reload the page and try again")
    try:
        user = auth.sign_in(db, name, password, address=client_address(request))
    except auth.TooManyAttempts as error:
        return _login_page(request, name=name, message=str(error), next_page=next, status=429)
    except auth.SignInFailed as error:
        return _login_page(request, name=name, message=str(error), next_page=next, status=401)
    settings = desk_of(request).settings
    fresh = auth.start_session(
        db,
        user.name,
        address=client_address(request),
        replaces=request.cookies.get(SESSION_COOKIE),
        idle=settings.idle,
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, fresh.session_id)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, form: Annotated[Posted, Depends(posted)]) -> Response:
    """End the session and forget the cookie."""
    auth.end_session(desk_of(request).db(), form.page.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- your account ---------------------------------------------------------------------------


@router.get("/account")
def account(request: Request, page: Annotated[PageUser, Depends(page_user)]) -> Response:
    """Your password and API tokens."""
    return _account_page(request, page)


def _account_page(
    request: Request,
    page: PageUser,
    *,
    message: str = "",
    error: str = "",
    issued: auth.IssuedToken | None = None,
    status: int = 200,
) -> Response:
    db = desk_of(request).db()
    return render(
        request,
        "account.html",
        {
            "page": page,
            "tokens": auth.list_tokens(db, page.name, by=page.name),
            "message": message,
            "error": error,
            "issued": issued,
        },
        status,
    )


@router.post("/account/password")
def change_password(request: Request, form: Annotated[Posted, Depends(posted)]) -> Response:
    """Change your own password (after your current one); you get a fresh session."""
    from tool.web.app import error_status

    db = desk_of(request).db()
    page = form.page
    try:
        auth.sign_in(db, page.name, form.text("current"), address=client_address(request))
    except ToolError as error:
        message = "your current password is wrong" if isinstance(error, auth.SignInFailed) else ""
        return _account_page(request, page, error=message or str(error), status=error_status(error))
    new = form.text("password")
    if new != form.text("confirm"):
        return _account_page(request, page, error="the two new passwords differ", status=400)
    try:
        auth.set_password(db, page.name, new, by=page.name)  # ends every session of yours
    except ToolError as error:
        return _account_page(request, page, error=str(error), status=error_status(error))
    fresh = auth.start_session(
        db, page.name, address=client_address(request), idle=desk_of(request).settings.idle
    )
    response = RedirectResponse("/account?changed=1", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, fresh.session_id)
    return response


@router.post("/account/tokens")
def new_own_token(request: Request, form: Annotated[Posted, Depends(posted)]) -> Response:
    """A new API token for yourself, shown once."""
    db = desk_of(request).db()
    issued = auth.issue_token(db, form.name, by=form.name, label=form.text("label"))
    return _account_page(request, form.page, issued=issued)


@router.post("/account/tokens/revoke")
def revoke_own_tokens(request: Request, form: Annotated[Posted, Depends(posted)]) -> Response:
    """Revoke one of your tokens (``token_id``) or all of them."""
    db = desk_of(request).db()
    ids = auth.revoke_tokens(db, form.name, by=form.name, token_id=_token_id(form))
    return _account_page(request, form.page, message=f"revoked {_tokens(len(ids))}")


def _token_id(form: Posted) -> int | None:
    from tool.errors import InputError

    raw = form.text("token_id").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InputError(f"{raw!r} is not a token id")
    return int(raw)


def _tokens(count: int) -> str:
    return f"{count} token{'' if count == 1 else 's'}"


# --- admins: users, roles, languages, passwords, tokens ---------------------------------------


@router.get("/admin")
def admin(request: Request, page: Annotated[PageUser, Depends(page_user)]) -> Response:
    """Every user with their role, languages, password and tokens (admins)."""
    return _admin_page(request, page)


def _admin_page(
    request: Request,
    page: PageUser,
    *,
    message: str = "",
    error: str = "",
    issued: auth.IssuedToken | None = None,
    status: int = 200,
) -> Response:
    db = desk_of(request).db()
    users = []
    for user in list_users(db):
        users.append(
            {
                "user": user,
                "disabled": bool(getattr(user, "disabled", False)),
                "has_password": auth.has_password(db, user.name),
                # The library decides who may see tokens: a non-admin is refused here.
                "tokens": auth.list_tokens(db, user.name, by=page.name),
            }
        )
    return render(
        request,
        "admin.html",
        {
            "page": page,
            "users": users,
            "roles": ROLES,
            "can_set": hasattr(users_service, "set_user"),
            "can_disable": hasattr(users_service, "disable_user"),
            "message": message,
            "error": error,
            "issued": issued,
        },
        status,
    )


def _admin_action(request: Request, form: Posted, action: Any) -> Response:
    """Run an admin action; show the admin page with its outcome or its error."""
    from tool.web.app import error_status

    try:
        outcome = action()
    except ToolError as error:
        return _admin_page(request, form.page, error=str(error), status=error_status(error))
    if isinstance(outcome, auth.IssuedToken):
        return _admin_page(request, form.page, issued=outcome)
    return _admin_page(request, form.page, message=str(outcome))


@router.post("/admin/users")
def admin_add_user(request: Request, form: Annotated[Posted, Depends(posted)]) -> Response:
    """Add a user with a role and languages."""
    db = desk_of(request).db()
    languages = form.text("languages").replace(",", " ").split()

    def act() -> str:
        added = add_user(db, form.text("name"), form.text("role"), languages, by=form.name)
        return f"added {added.name}: {added.role} ({', '.join(added.languages) or 'all languages'})"

    return _admin_action(request, form, act)


@router.post("/admin/users/{name}/password")
def admin_set_password(
    request: Request, name: str, form: Annotated[Posted, Depends(posted)]
) -> Response:
    """Set someone's password (they are signed out everywhere)."""
    db = desk_of(request).db()

    def act() -> str:
        from tool.errors import InputError

        if form.text("password") != form.text("confirm"):
            raise InputError("the two passwords differ")
        auth.set_password(db, name, form.text("password"), by=form.name)
        return f"password set for {name}"

    return _admin_action(request, form, act)


@router.post("/admin/users/{name}/tokens")
def admin_new_token(
    request: Request, name: str, form: Annotated[Posted, Depends(posted)]
) -> Response:
    """A new API token for someone, shown once."""
    db = desk_of(request).db()
    return _admin_action(
        request,
        form,
        lambda: auth.issue_token(db, name, by=form.name, label=form.text("label")),
    )


@router.post("/admin/users/{name}/tokens/revoke")
def admin_revoke_tokens(
    request: Request, name: str, form: Annotated[Posted, Depends(posted)]
) -> Response:
    """Revoke one of someone's tokens, or all of them."""
    db = desk_of(request).db()

    def act() -> str:
        ids = auth.revoke_tokens(db, name, by=form.name, token_id=_token_id(form))
        return f"revoked {_tokens(len(ids))} of {name}"

    return _admin_action(request, form, act)


@router.post("/admin/users/{name}")
def admin_set_user(
    request: Request, name: str, form: Annotated[Posted, Depends(posted)]
) -> Response:
    """Change someone's role and languages (the library's `user set`)."""
    db = desk_of(request).db()

    def act() -> str:
        from tool.errors import InputError

        set_user = getattr(users_service, "set_user", None)
        if set_user is None:
            raise InputError("this desk's library cannot change roles (it has no `user set`)")
        languages = form.text("languages").replace(",", " ").split()
        changed = set_user(
            db, name, role=form.text("role") or None, languages=languages, by=form.name
        )
        return f"{changed.name}: {changed.role} ({', '.join(changed.languages) or 'all languages'})"

    return _admin_action(request, form, act)


@router.post("/admin/users/{name}/disable")
def admin_disable_user(
    request: Request, name: str, form: Annotated[Posted, Depends(posted)]
) -> Response:
    """Disable someone (or, with ``enable``, enable them again): the library's `user disable`."""
    db = desk_of(request).db()

    def act() -> str:
        from tool.errors import InputError

        disable_user = getattr(users_service, "disable_user", None)
        if disable_user is None:
            raise InputError("this desk's library cannot disable users (it has no `user disable`)")
        enable = bool(form.text("enable"))
        disable_user(db, name, by=form.name, enable=enable)
        return f"{name} {'enabled' if enable else 'disabled'}"

    return _admin_action(request, form, act)
