"""The bot itself: `create_bot` builds a discord.py bot from the settings and a knowledge store.

Nothing here runs at import. The bot holds what its cogs need (settings, knowledge store,
gate) and hands them over when the cogs are loaded in `setup_hook`; nothing reaches for a
global bot.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.errors import on_app_command_error
from bot.gate import Gate
from bot.settings import Settings
from bot.sync import sync_commands
from knowledge.loading import KnowledgeBaseError
from knowledge.store import KnowledgeStore

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.ask", "bot.cogs.facts", "bot.cogs.source", "bot.cogs.help")
# The cog whose slash command is built from the knowledge base (its topic choices).
KNOWLEDGE_SHAPED_EXTENSION = "bot.cogs.facts"


def intents_for(settings: Settings) -> discord.Intents:
    """The least the bot needs; the privileged message-content intent only when asked for.

    Discord sends the text of messages that mention the bot without that intent, which is
    all the bot reads.
    """
    intents = discord.Intents.none()
    intents.guilds = True  # channels, threads and roles, to resolve where a question was asked
    intents.guild_messages = True  # MESSAGE_CREATE, for mentions
    intents.message_content = settings.message_content_intent
    return intents


class CitedFactsBot(commands.Bot):
    """Answers questions about the article through slash commands, buttons and mentions."""

    def __init__(
        self,
        settings: Settings,
        knowledge: KnowledgeStore,
        *,
        sync_on_start: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # required, unused: see on_message
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
            guild_ready_timeout=guild_ready_timeout,
            **_sharding(settings),
        )
        self.settings = settings
        self.knowledge = knowledge
        self.sync_on_start = sync_on_start
        self.gate = Gate(
            allowed_channel_ids=settings.allowed_channel_ids,
            rate=settings.cooldown_rate,
            per=settings.cooldown_seconds,
        )
        self.tree.error(on_app_command_error)

    async def setup_hook(self) -> None:
        """Load every cog, then bring Discord's slash commands in line (only if they differ).

        A cog that fails to load is logged by name and the others still run; a failed sync is
        logged and the commands Discord already has stay in place.
        """
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                log.exception("Could not load extension %s; running without it", extension)
        if self.sync_on_start:
            try:
                await self.sync_commands()
            except discord.HTTPException:
                log.exception("Could not sync the slash commands; Discord keeps its current set")

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync to DISCORD_GUILD_ID if set, else globally; returns whether anything was sent."""
        return await sync_commands(
            self, self.tree, guild_id=self.settings.discord_guild_id, force=force
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """Do not look for text commands: the bot has none, and the ask cog answers mentions."""

    async def reload_knowledge(self) -> KnowledgeBaseError | None:
        """Load the knowledge base again, keeping the current one if the new one is invalid.

        The /facts command's topic choices come from the knowledge base, so its cog is
        rebuilt and the commands synced, which sends them only if the topics changed.
        """
        # Loading takes a noticeable fraction of a second; keep the gateway loop responsive.
        error = await asyncio.to_thread(self.knowledge.reload)
        if error is not None:
            return error
        await self.reload_extension(KNOWLEDGE_SHAPED_EXTENSION)
        try:
            await self.sync_commands()
        except discord.HTTPException:
            log.exception("Could not sync the slash commands after reloading the knowledge base")
        return None


def _sharding(settings: Settings) -> dict[str, Any]:
    """AutoShardedBot's shard options, which discord.py's typed Bot options do not list."""
    if not settings.sharded:
        return {}
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return {"shard_count": settings.shard_count, "shard_ids": shard_ids}


class ShardedCitedFactsBot(CitedFactsBot, commands.AutoShardedBot):
    """The same bot run as an AutoShardedBot, for SHARD_COUNT / SHARD_IDS."""


def create_bot(
    settings: Settings,
    knowledge: KnowledgeStore,
    *,
    sync_on_start: bool = True,
    guild_ready_timeout: float = 2.0,
) -> CitedFactsBot:
    """Build the bot described by `settings`; it connects only when started.

    DISCORD_API_BASE and DISCORD_GATEWAY_URL, when set, are applied here: discord.py keeps
    both as class attributes, so they hold for every client in the process. `sync_on_start`
    is off for `python -m bot sync`, which forces a sync itself.
    """
    if settings.discord_api_base is not None:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    bot_class = ShardedCitedFactsBot if settings.sharded else CitedFactsBot
    return bot_class(
        settings, knowledge, sync_on_start=sync_on_start, guild_ready_timeout=guild_ready_timeout
    )


def bot_of(interaction: discord.Interaction) -> CitedFactsBot:
    """The bot an interaction arrived at, for the buttons that discord.py builds on its own."""
    client = interaction.client
    if not isinstance(client, CitedFactsBot):
        raise TypeError(f"expected a CitedFactsBot, got {type(client).__name__}")
    return client
