"""`/help`: what the bot knows and how to ask it, shown only to whoever asked."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CitedFactsBot
from bot.embeds import help_embed


class HelpCog(commands.Cog):
    """`/help`. Not gated: it is private to the user, so it cannot flood a channel."""

    def __init__(self, bot: CitedFactsBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What I know and how to ask me")
    async def help(self, interaction: discord.Interaction) -> None:
        """Reply ephemerally with the article, the topics and example questions."""
        engine = self.bot.knowledge.engine
        me = self.bot.user.mention if self.bot.user is not None else "@me"
        embed = help_embed(engine.knowledge, engine.default_suggestions(), me=me)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: CitedFactsBot) -> None:
    """Extension entry point."""
    await bot.add_cog(HelpCog(bot))
