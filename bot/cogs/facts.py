"""`/facts topic:` lists every fact of a topic, a few per page, with buttons to turn pages.

The topic choices come from the knowledge base, which is only known once it is loaded, so
the command is built when the cog is created rather than declared on the class; reloading
the extension rebuilds it from the current knowledge base. Page buttons carry the topic and
page in their custom id, so any page of any message can be shown again, even after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.client import CitedFactsBot, bot_of
from bot.embeds import fact_pages, facts_page_embed
from bot.errors import report_failure
from knowledge.models import FactAnswer, KnowledgeBase, Topic

Step = str  # "prev" or "next"; part of the custom id so the two buttons never share one


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"facts:(?P<topic>[a-z0-9-]+):(?P<page>\d+):(?P<step>prev|next)",
):
    """Shows page `page` (0-based) of a topic's facts in place of the current one."""

    def __init__(self, topic_id: str, page: int, step: Step, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if step == "prev" else "Next",
                custom_id=f"facts:{topic_id}:{page}:{step}",
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
            )
        )
        self.topic_id = topic_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        _interaction: discord.Interaction,
        _item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> Self:
        """Rebuild the button from the custom id of a press."""
        return cls(match["topic"], int(match["page"]), match["step"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Replace the message's page with the requested one."""
        try:
            knowledge = bot_of(interaction).knowledge.engine.knowledge
            embed, view = facts_page(knowledge, knowledge.topic(self.topic_id), self.page)
            await interaction.response.edit_message(
                embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
        except Exception as error:
            # A button is not a command, so the tree's error handler never sees this.
            await report_failure(interaction, error)


def stated_facts(knowledge: KnowledgeBase, topic: Topic) -> list[FactAnswer]:
    """The topic's facts in the shape answers use, so they render like an answer's facts."""
    return [knowledge.fact(fact_id).stated() for fact_id in topic.fact_ids]


def facts_page(
    knowledge: KnowledgeBase, topic: Topic, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and page buttons for page `page` (0-based, clamped) of a topic's facts."""
    facts = stated_facts(knowledge, topic)
    pages = fact_pages(facts)
    page = max(0, min(page, len(pages) - 1))
    first = 1 + sum(len(p) for p in pages[:page])
    embed = facts_page_embed(
        topic.title,
        pages[page] if pages else (),
        page + 1,
        max(len(pages), 1),
        first=first,
        total=len(facts),
        version=knowledge.version,
    )
    view = discord.ui.View(timeout=None)
    if len(pages) > 1:
        view.add_item(PageButton(topic.id, max(page - 1, 0), "prev", disabled=page == 0))
        view.add_item(
            PageButton(
                topic.id, min(page + 1, len(pages) - 1), "next", disabled=page == len(pages) - 1
            )
        )
    return embed, view


def build_facts_command(
    topics: Sequence[Topic],
    show: Callable[[discord.Interaction, str], Awaitable[None]],
) -> app_commands.Command[Any, ..., None]:
    """The /facts command with one choice per topic (Discord allows 25)."""

    @app_commands.command(name="facts", description="List every fact the article gives on a topic")
    @app_commands.describe(topic="Which topic")
    @app_commands.choices(
        topic=[
            app_commands.Choice(name=limits.truncate(t.title, limits.CHOICE_NAME), value=t.id)
            for t in topics[: limits.CHOICES]
        ]
    )
    async def facts(interaction: discord.Interaction, topic: app_commands.Choice[str]) -> None:
        await show(interaction, topic.value)

    return facts


class FactsCog(commands.Cog):
    """Owns the /facts command built from the current knowledge base."""

    def __init__(self, bot: CitedFactsBot) -> None:
        self.bot = bot
        self.command = build_facts_command(bot.knowledge.engine.knowledge.topics, self.show)
        self.command.add_check(bot.gate.check)

    async def cog_load(self) -> None:
        """Register the command, which is not declared on the class and so not added for us."""
        self.bot.tree.add_command(self.command)

    async def cog_unload(self) -> None:
        """Take the command away with the cog."""
        self.bot.tree.remove_command(self.command.name)

    async def show(self, interaction: discord.Interaction, topic_id: str) -> None:
        """Post the first page of the topic's facts."""
        knowledge = self.bot.knowledge.engine.knowledge
        embed, view = facts_page(knowledge, knowledge.topic(topic_id), 0)
        await interaction.response.send_message(
            embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: CitedFactsBot) -> None:
    """Extension entry point: the cog, and the page buttons' dispatch by custom id."""
    bot.add_dynamic_items(PageButton)
    await bot.add_cog(FactsCog(bot))


async def teardown(bot: CitedFactsBot) -> None:
    """Stop dispatching page buttons when the extension is unloaded."""
    bot.remove_dynamic_items(PageButton)
