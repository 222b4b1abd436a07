"""The README matches the code: its example reply, invite permissions and list of settings."""

import re
import shlex

import discord
from bot_support import REPO

from bot.cli import main
from bot.settings import Settings

GUIDE = REPO / "README.md"


def test_the_invite_link_asks_for_exactly_the_four_permissions() -> None:
    needed = discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    )
    guide = GUIDE.read_text()

    [link] = re.findall(r"https://discord\.com/oauth2/authorize\?\S+", guide)

    assert link.endswith(f"scope=bot+applications.commands&permissions={needed.value}")
    with_threads = needed.value | discord.Permissions(send_messages_in_threads=True).value
    assert f"`{with_threads}`" in guide


def test_every_setting_is_in_the_guides_table() -> None:
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", GUIDE.read_text(), flags=re.MULTILINE))

    assert rows == {name.upper() for name in Settings.model_fields}


def test_the_opening_example_is_what_the_command_prints(capsys) -> None:
    pattern = r"```\n\$ python -m bot (ask [^\n]+)\n(.*?)```"
    example = re.search(pattern, GUIDE.read_text(), re.DOTALL)
    assert example is not None

    main(shlex.split(example.group(1)))

    assert capsys.readouterr().out == example.group(2)
