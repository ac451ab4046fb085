"""yishi on the web: a JSON API, pages for residents and staff, an embeddable board.

Needs the ``web`` extra (``pip install 'yishi[web]'``): Starlette, uvicorn and
python-multipart. ``create_app(engine)`` returns an ASGI application a host can
mount; ``yishi serve`` runs it with uvicorn on a SQLite log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yishi.web.access import AccessStore
    from yishi.web.auth import Identity
    from yishi.web.config import Community, WebConfig

__all__ = ["AccessStore", "Community", "Identity", "WebConfig", "create_app", "portal_signature"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import yishi.web` names what is missing when the
    # extra is not installed instead of failing inside Starlette.
    try:
        if name == "create_app":
            from yishi.web.app import create_app

            return create_app
        if name == "AccessStore":
            from yishi.web.access import AccessStore

            return AccessStore
        if name in ("Community", "WebConfig"):
            from yishi.web import config

            return getattr(config, name)
        if name in ("Identity", "portal_signature"):
            from yishi.web import auth

            return getattr(auth, name)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            f"yishi.web needs the web extra: pip install 'yishi[web]' ({exc.name} is missing)"
        ) from exc
    raise AttributeError(name)
