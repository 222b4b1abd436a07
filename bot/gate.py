"""Who may ask, where, and how often: the channel allow-list and the per-user cooldown.

Every way of asking (slash commands, mentions, suggestion buttons) goes through one `Gate`, so
a user has one budget however they ask. Refusals are exceptions from `discord.app_commands`,
which lets the tree's one error handler answer them (`bot.errors`).
"""

from __future__ import annotations

import math
from collections.abc import Collection

import discord
from discord import app_commands
from discord.ext import commands


class NotAllowedHere(app_commands.CheckFailure):
    """Asked in a channel outside ALLOWED_CHANNEL_IDS; the message lists the channels to use."""

    def __init__(self, allowed: Collection[int]) -> None:
        channels = ", ".join(f"<#{channel_id}>" for channel_id in sorted(allowed))
        super().__init__(f"I only answer in {channels}.")


def _by_user(user_id: int) -> int:
    return user_id


class Gate:
    """Applies ALLOWED_CHANNEL_IDS and COOLDOWN_RATE per COOLDOWN_SECONDS to one user at a time."""

    def __init__(self, *, allowed_channel_ids: Collection[int], rate: int, per: float) -> None:
        self.allowed_channel_ids = frozenset(allowed_channel_ids)
        self._cooldowns = (
            commands.CooldownMapping(app_commands.Cooldown(rate, per), _by_user)
            if per > 0
            else None
        )

    def channel_allowed(self, channel: discord.abc.Snowflake | None) -> bool:
        """Whether the bot answers in `channel`; a thread counts as its parent channel."""
        if not self.allowed_channel_ids:
            return True
        ids = {getattr(channel, "id", None), getattr(channel, "parent_id", None)}
        return not self.allowed_channel_ids.isdisjoint(ids)

    def admit(self, user_id: int, channel: discord.abc.Snowflake | None) -> None:
        """Let one question through, or raise NotAllowedHere or CommandOnCooldown.

        Only admitted questions use up the user's budget: asking in the wrong channel does not.
        """
        if not self.channel_allowed(channel):
            raise NotAllowedHere(self.allowed_channel_ids)
        bucket = self._cooldowns.get_bucket(user_id) if self._cooldowns is not None else None
        if bucket is None:
            return
        retry_after = bucket.update_rate_limit()
        if retry_after is not None:
            raise app_commands.CommandOnCooldown(bucket, retry_after)

    def check(self, interaction: discord.Interaction) -> bool:
        """`admit` as an app-command check: True, or the refusal raised for the error handler."""
        self.admit(interaction.user.id, interaction.channel)
        return True


def cooldown_notice(retry_after: float) -> str:
    """The friendly words for a user who asks too fast."""
    seconds = max(1, math.ceil(retry_after))
    unit = "second" if seconds == 1 else "seconds"
    return f"You're asking faster than I can keep up. Try again in {seconds} {unit}."


class GatedCog(commands.Cog):
    """A cog whose every slash command passes through the gate before it runs.

    discord.py calls `interaction_check` before each app command of the cog (not for
    autocomplete), and routes what it raises to the tree's error handler.
    """

    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Raise NotAllowedHere or CommandOnCooldown when the question may not go through."""
        return self.gate.check(interaction)
