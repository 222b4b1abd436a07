"""`python -m bot run` and `python -m bot sync`: build the settings, then start or sync the bot.

Settings are read here, when the command runs, never at import. A problem the operator can fix
(missing or placeholder token, bad setting, token refused by Discord, Discord unreachable)
ends in one line on stderr and a non-zero exit code, never a traceback, and never the token:
the log formatter also blanks the token out of anything logged.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine, Iterable
from typing import Any

import aiohttp
import discord
from pydantic import ValidationError

from bot.client import CitedFactsBot, create_bot
from bot.settings import Settings, describe_error
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_UNREACHABLE = 1  # Discord (or the configured proxy) could not be reached
EXIT_CONFIG = 2  # the settings or the token are wrong; same code as the CLI's usage errors

LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
REDACTED = "[redacted]"


def run() -> int:
    """Run the bot until it is stopped (Ctrl-C or SIGTERM); returns the exit code.

    SIGHUP reloads the knowledge base, keeping the current one if the new one is invalid.
    An invalid knowledge base at start-up raises KnowledgeBaseError, which the command line
    reports like `python -m bot kb check`.
    """
    prepared = _prepare()
    if prepared is None:
        return EXIT_CONFIG
    return _run(_serve(*prepared))


def sync() -> int:
    """Overwrite the slash commands Discord has with the bot's own, then exit."""
    prepared = _prepare()
    if prepared is None:
        return EXIT_CONFIG
    return _run(_sync(*prepared))


def _prepare() -> tuple[Settings, KnowledgeStore] | None:
    """Settings, logging and the knowledge base, or None after reporting bad settings."""
    settings = _load_settings()
    if settings is None:
        return None
    configure_logging(settings.log_level, [settings.discord_token.get_secret_value()])
    return settings, KnowledgeStore(settings.knowledge_dir)


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces secrets with a marker wherever they appear in a record.

    discord.py never logs the token, but a traceback or a third-party library might; this
    makes the guarantee hold for every line the process writes through logging.
    """

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with every secret replaced."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at `level` (LOG_LEVEL) for the bot and discord.py alike, secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT, secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)


def _load_settings() -> Settings | None:
    try:
        return Settings()
    except ValidationError as error:
        _fail(describe_error(error))
        return None


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _run(main: Coroutine[Any, Any, str | None]) -> int:
    """Run `main`, turning what the operator must fix into one line and an exit code."""
    try:
        done = asyncio.run(main)
    except discord.LoginFailure:
        _fail("Discord refused DISCORD_TOKEN; copy a fresh one from the developer portal")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        _fail(
            "MESSAGE_CONTENT_INTENT is true but the intent is not enabled for this application "
            "in the developer portal (Bot -> Message Content Intent)"
        )
        return EXIT_CONFIG
    except (discord.GatewayNotFound, aiohttp.ClientError, OSError) as error:
        _fail(f"could not reach Discord: {type(error).__name__}: {error}")
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return EXIT_OK
    if done:
        print(done)
    return EXIT_OK


async def _serve(settings: Settings, store: KnowledgeStore) -> None:
    bot = create_bot(settings, store)
    async with bot:
        _handle_signals(bot)
        await bot.start(settings.discord_token.get_secret_value())


async def _sync(settings: Settings, store: KnowledgeStore) -> str:
    bot = create_bot(settings, store, sync_on_start=False)
    async with bot:
        await bot.login(settings.discord_token.get_secret_value())
        await bot.sync_commands(force=True)
    guild_id = settings.discord_guild_id
    return f"Slash commands synced {'to guild ' + str(guild_id) if guild_id else 'globally'}."


def _handle_signals(bot: CitedFactsBot) -> None:
    """SIGHUP reloads the knowledge base; SIGTERM (e.g. `docker stop`) closes the bot cleanly.

    A reload still running at SIGTERM is cancelled: it would otherwise try to reload a cog
    that closing has just unloaded. Not available on Windows, where the bot runs without them.
    """
    loop = asyncio.get_running_loop()
    # asyncio keeps only weak references to tasks, so these sets keep them alive.
    reloads: set[asyncio.Task[None]] = set()
    closing: set[asyncio.Task[None]] = set()

    def reload() -> None:
        task = loop.create_task(_reload(bot))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    def stop() -> None:
        for task in reloads:
            task.cancel()
        closing.add(loop.create_task(bot.close()))

    try:
        loop.add_signal_handler(signal.SIGHUP, reload)
        loop.add_signal_handler(signal.SIGTERM, stop)
    except (NotImplementedError, AttributeError):
        log.info("Signals are not supported here; reload the knowledge base by restarting")


async def _reload(bot: CitedFactsBot) -> None:
    log.info("SIGHUP: reloading the knowledge base")
    try:
        await bot.reload_knowledge()
    except Exception:
        log.exception("Reloading the knowledge base failed; the bot keeps the current one")
