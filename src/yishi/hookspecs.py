"""The plugin hooks of yishi: their docstrings are the hook reference.

A plugin is a module or object with functions marked ``@yishi.hookimpl`` and
named after one of the hooks below; a distribution makes it known through the
entry-point group ``yishi`` (see docs/plugins.md). An implementation may take
*fewer* arguments than the hook declares (pluggy's opt-in arguments), so hooks
can grow new arguments without breaking plugins.

Two families:

- **Registration** hooks (``yishi_register_*``) are called once per plugin
  host, while it loads, in plugin order (built-in plugins first, then entry
  points, then plugins given in code). The plugin calls ``register(thing)``
  once per thing it contributes. A wrong type, a duplicate name or an exception
  makes the host skip the whole plugin and report a load problem naming it;
  the other plugins load normally.
- **After-commit** notifications (past tense) are called by the engine only
  after the events they tell about are durably appended. Side effects are
  allowed; the return value is ignored. Each implementation is called on its
  own: if one raises, the failure is recorded with the plugin's name and can be
  retried, the other plugins are still called, and nothing is rolled back or
  blocked. They must not write to the log.

Hook wrappers (``wrapper=True`` / ``hookwrapper=True``) are not supported on
yishi hooks; a plugin that declares one is reported and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from yishi.engine import Engine
    from yishi.publish.notice import Notice
    from yishi.store import StoredEvent

PROJECT = "yishi"  # the marker name and the entry-point group
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- registration --------------------------------------------------------------


@hookspec
def yishi_register_vote_methods(register: Callable[[Any], None]) -> None:
    """Contribute vote methods (表决方式) that rule sets may name in ``vote_methods``.

    Called once while a plugin host loads. Call ``register(spec)`` once per
    method, with a :class:`yishi.plugins.VoteMethodSpec`::

        register(VoteMethodSpec("scan_code", "扫码投票", "vote by QR code", {"ballots"}))

    ``records`` says what a meeting held with the method may enter: ``"ballots"``
    (votes one by one), ``"tally"`` (a count entered afterwards), or
    ``"consensus"`` (alone); ``elections=True`` makes it acceptable for a
    personnel (election) stage. ``counting`` is how it counts (a
    ``yishi.domain.methods`` rule: which ballots are valid, the tally, the
    result and its explanation; default 赞成/反对/弃权, or "at most ``seats``
    names" in an election), and ``secret=True`` keeps each ballot's choice in
    the store's sealed ballot box, apart from the voter (docs/plugins.md
    "Writing a counting rule"). A rule set loaded with the host's catalogue
    (``PluginHost.catalog``) may then name the method, and ``yishi check``
    accepts it.

    :param register: call with a ``VoteMethodSpec``; returns nothing.
    :returns: nothing; a return value is ignored.

    If the hook raises, registers a name already taken (by this or another
    plugin) or passes a value of another type, the host skips this plugin
    (nothing it registered is kept) and reports it with the plugin's name.

    .. versionadded:: 0.1
    """


@hookspec
def yishi_register_stage_kinds(register: Callable[[Any], None]) -> None:
    """Contribute stage kinds (步骤类型) that rule sets may name in ``stages[].kind``.

    Called once while a plugin host loads. Call ``register(spec)`` once per
    kind, with a :class:`yishi.plugins.StageKindSpec`. The domain implements
    seven behaviours (meeting, disclosure, execution, evaluation, intake,
    election, referral); a plugin's kind is a named variant that ``runs_as`` one of
    them, with its own labels and documentation::

        register(StageKindSpec("hearing", "听证会", "hearing", "……", runs_as="meeting"))

    :param register: call with a ``StageKindSpec``; returns nothing.
    :returns: nothing; a return value is ignored.

    If the hook raises (an invalid ``runs_as`` raises when the spec is made),
    registers a name already taken or passes a value of another type, the
    host skips this plugin and reports it with the plugin's name.

    .. versionadded:: 0.1
    """


@hookspec
def yishi_register_store_backends(register: Callable[[Any], None]) -> None:
    """Contribute event-store backends, chosen by name (``memory``, ``sqlite`` …).

    Called once while a plugin host loads. Call ``register(backend)`` once per
    backend, with a :class:`yishi.plugins.StoreBackend` whose ``factory`` takes
    a location string (a file path, a DSN) and returns an object that follows
    the store protocol of :mod:`yishi.store`. Import heavy drivers inside the
    factory, not at module level, so that loading plugins stays cheap::

        def open_store(location):
            from yishi_postgres import PostgresStore
            return PostgresStore(location)

        register(StoreBackend("postgres", open_store, "PostgreSQL（psycopg 3）"))

    :param register: call with a ``StoreBackend``; returns nothing.
    :returns: nothing; a return value is ignored.

    If the hook raises, registers a name already taken or passes a value of
    another type, the host skips this plugin and reports it with its name.

    .. versionadded:: 0.1
    """


@hookspec
def yishi_register_publishers(register: Callable[[Any], None]) -> None:
    """Contribute publishers: where disclosure notices (公示) are sent.

    Called once while a plugin host loads. Call ``register(spec)`` once per
    publisher, with a :class:`yishi.plugins.PublisherSpec` whose ``factory``
    takes a location string (a directory, a URL) and returns the publisher: a
    plugin object implementing :func:`yishi_disclosure_published`, which the
    application adds to its host (``host.add(host.make_publisher(name, where))``)::

        register(PublisherSpec("wechat", make_wechat_publisher, "微信公众号"))

    :param register: call with a ``PublisherSpec``; returns nothing.
    :returns: nothing; a return value is ignored.

    If the hook raises, registers a name already taken or passes a value of
    another type, the host skips this plugin and reports it with its name.

    .. versionadded:: 0.1
    """


@hookspec
def yishi_register_commands(cli: click.Group) -> None:
    """Add commands to the ``yishi`` command line.

    Called once when :mod:`yishi.cli` is imported, with the top-level click
    group; add commands with ``@cli.command()`` or ``cli.add_command(...)``.
    Keep the work done here small (define commands, import heavy modules inside
    them), because it runs for every ``yishi`` invocation, ``--help`` included.

    :param cli: the ``yishi`` click group.
    :returns: nothing; a return value is ignored.

    If the hook raises, the plugin's commands are left out and the problem is
    listed by ``yishi plugins``; the command line still works. A command that
    would replace a built-in one (``check``, ``run`` …) is refused and reported.

    .. versionadded:: 0.1
    """


# -- after commit --------------------------------------------------------------


@hookspec
def yishi_events_appended(engine: Engine, events: list[StoredEvent]) -> None:
    """Events were durably appended to the log.

    Called by the engine after every successful append, once per append, with
    the records just written, in log order. Use it to feed a search index, send
    messages, update statistics.

    :param engine: a read-only view of the engine that appended them
        (``yishi.plugins.readonly.EngineView``): read its ``state`` and
        ``rulesets``; any attempt to change them raises ``ReadOnlyError``.
    :param events: a list of :class:`yishi.store.StoredEvent` (``position``,
        ``stream``, ``version``, ``event``, ``hash``); each plugin gets its own
        list.
    :returns: nothing; a return value is ignored.

    If the hook raises, the append stands: the failure is recorded with this
    plugin's name and the positions it was told about, other plugins are still
    called, and the call can be retried later (``Engine.retry_hooks``).

    .. versionadded:: 0.1
    """


@hookspec
def yishi_disclosure_published(engine: Engine, notice: Notice) -> None:
    """A disclosure (公示) was durably recorded as published; post it somewhere.

    Called by the engine after the append that published it (after
    ``yishi_events_appended`` for the same append), once per disclosure.

    :param engine: a read-only view of the engine that published it.
    :param notice: a :class:`yishi.publish.notice.Notice`: ``disclosure``,
        ``matter``, ``kind``, ``title``, ``posted_on``, ``text`` (the notice in
        Chinese, plain text), ``checkpoint`` (``{"size", "head"}`` of the log
        when it was made, or None) and ``position`` (the record that published
        it). Print the checkpoint with the notice so a paper copy can be
        checked against the log. For the whole disclosure document (counts,
        explanations, objections, privacy masks applied, verification code),
        call ``yishi.publish.channels.document_for(engine, notice, lang, policy)``.
    :returns: nothing; a return value is ignored.

    If the hook raises, the publication stands in the log: the failure is
    recorded with this plugin's name, other publishers are still called, and
    the call can be retried later.

    .. versionadded:: 0.1
    """


# -- resolvers (firstresult) ---------------------------------------------------


@hookspec(firstresult=True)
def yishi_actor_from_request(request: Any, community: str) -> str | None:
    """Map the user a host application has signed in to a yishi actor (a person id).

    Called by the web application (:mod:`yishi.web`) for each request that carries
    neither an API token nor a portal's signed header, before the console's own
    session cookie is looked at. The first plugin that returns an actor wins
    (``firstresult``); return ``None`` to let the next plugin, or the session,
    decide. A host portal that mounts ``create_app`` inside its own application
    reads its own session here::

        @hookimpl
        def yishi_actor_from_request(request, community):
            user = request.scope.get("user")          # set by the host's middleware
            return PERSON_OF.get(user.id) if user else None

    The roles of the actor are those granted in the access store for this
    community, else the configured portal roles (``resident`` by default). A
    portal identity may submit, object and rate for its own user, never cast a
    vote (see docs/embedding.md).

    :param request: the Starlette ``Request`` being served (read only).
    :param community: the slug of the community the request is for.
    :returns: the actor's person id, or ``None`` when this plugin does not know.

    If the hook raises, the request fails with a 500 that names an error id and
    writes nothing; the exception is logged with the plugin's traceback.

    .. versionadded:: 0.1
    """


REGISTRATION_HOOKS = (
    "yishi_register_vote_methods",
    "yishi_register_stage_kinds",
    "yishi_register_store_backends",
    "yishi_register_publishers",
)
AFTER_COMMIT_HOOKS = ("yishi_events_appended", "yishi_disclosure_published")
RESOLVER_HOOKS = ("yishi_actor_from_request",)
