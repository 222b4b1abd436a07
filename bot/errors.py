"""What the bot does when answering fails: log it with context, tell the user politely, go on.

`on_app_command_error` is the command tree's one error handler. Buttons are not commands, so
their callbacks hand their failures to `report_failure` too, and users get the same replies.
Refusals the user can act on (cooldown, wrong channel) are not errors and are not logged as such.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import discord
from discord import app_commands

from bot.gate import NotAllowedHere, cooldown_notice

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on my side while answering that. "
    "It has been logged; please try again in a moment."
)


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """The tree's error handler; unwraps the exception a command raised and reports it."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    await report_failure(interaction, original)


async def report_failure(interaction: discord.Interaction, error: Exception) -> None:
    """Answer the user ephemerally about `error`, logging it first unless it is a refusal."""
    if isinstance(error, app_commands.CommandOnCooldown):
        text = cooldown_notice(error.retry_after)
    elif isinstance(error, NotAllowedHere):
        text = str(error)
    else:
        log.error(
            "Failed to handle %s from user %s in guild %s, channel %s",
            _what(interaction),
            interaction.user.id,
            interaction.guild_id,
            interaction.channel_id,
            exc_info=error,
        )
        text = APOLOGY
    await tell(interaction, text)


async def tell(interaction: discord.Interaction, text: str) -> None:
    """Send `text` to the user alone, as the first response or, if one was sent, a followup."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        # Typically the interaction expired (10062); the user can only be told by a new one.
        log.warning("Could not send a notice for %s", _what(interaction), exc_info=True)


def _what(interaction: discord.Interaction) -> str:
    """A short name for what the user did: the command, or the button's custom id."""
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: Mapping[str, object] = interaction.data or {}
    custom_id = data.get("custom_id")
    return f"component {custom_id!r}" if custom_id else f"interaction type {interaction.type}"
