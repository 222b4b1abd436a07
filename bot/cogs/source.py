"""`/source [paragraph]`: where the answers come from, down to one paragraph verbatim."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import CitedFactsBot
from bot.embeds import source_embed
from bot.errors import tell
from bot.gate import GatedCog


class SourceCog(GatedCog):
    """`/source`."""

    def __init__(self, bot: CitedFactsBot) -> None:
        super().__init__(bot.gate)
        self.bot = bot

    @app_commands.command(
        name="source", description="The article behind the answers, or one paragraph of it"
    )
    @app_commands.describe(paragraph="Show this paragraph word for word (1 is the first)")
    async def source(
        self, interaction: discord.Interaction, paragraph: app_commands.Range[int, 1] | None = None
    ) -> None:
        """Show the headline, date and credited outlets, and the paragraph if one was asked for."""
        knowledge = self.bot.knowledge.engine.knowledge
        count = knowledge.article.paragraph_count
        if paragraph is not None and paragraph > count:
            await tell(
                interaction, f"The article has {count} paragraphs; pick one from 1 to {count}."
            )
            return
        await interaction.response.send_message(
            embed=source_embed(knowledge, paragraph),
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: CitedFactsBot) -> None:
    """Extension entry point."""
    await bot.add_cog(SourceCog(bot))
