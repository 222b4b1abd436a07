"""`python -m bot run` and `python -m bot sync` as an operator runs them, in a subprocess.

The process gets its settings from the environment (or a `.env` in its working directory)
only, and is pointed at the fake Discord through DISCORD_API_BASE and DISCORD_GATEWAY_URL,
which is exactly how it would be pointed at a REST and gateway proxy.
"""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from bot_support import REPO, copy_knowledge
from fake_discord import FakeDiscord, RecordedRequest

from bot.settings import Settings

START_TIMEOUT = 20.0  # importing discord.py and loading the knowledge base, on a slow machine
STOP_TIMEOUT = 10.0


def environment(**settings: str) -> dict[str, str]:
    """This environment without any bot setting, plus `settings`, using this checkout."""
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key not in names}
    return {**env, "PYTHONPATH": str(REPO), **settings}


def run_cli(args: list[str], cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment(**settings),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )


def pointing_at(fake: FakeDiscord, **settings: str) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        **settings,
    }


@asynccontextmanager
async def bot_process(
    cwd: Path, settings: Mapping[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run` in the background; killed on exit if the test did not stop it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=environment(**settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()


def test_importing_the_bot_reads_no_settings_and_starts_nothing(tmp_path: Path) -> None:
    modules = "bot.runner, bot.client, bot.settings, bot.cogs.ask, bot.cogs.facts"
    result = subprocess.run(
        [sys.executable, "-c", f"import {modules}, bot.cogs.source, bot.cogs.help"],
        cwd=tmp_path,
        env=environment(DISCORD_TOKEN="changethis", LOG_LEVEL="nonsense"),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("command", "settings", "dotenv", "error"),
    [
        (
            "run",
            {},
            None,
            "DISCORD_TOKEN: not set (put it in the environment or in .env; see .env.example)",
        ),
        ("run", {}, "DISCORD_TOKEN=changethis\n", "DISCORD_TOKEN: a placeholder; paste the"),
        ("sync", {"DISCORD_TOKEN": "your-token-here"}, None, "DISCORD_TOKEN: a placeholder; paste"),
        ("run", {"DISCORD_TOKEN": "MTIz.a.b", "SHARD_IDS": "0"}, None, "SHARD_IDS needs SHARD_"),
    ],
)
def test_bad_settings_end_in_one_line_and_exit_code_2(
    tmp_path: Path, command: str, settings: dict[str, str], dotenv: str | None, error: str
) -> None:
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)

    result = run_cli([command], tmp_path, **settings)

    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: invalid settings: ")
    assert error in line


async def test_a_token_discord_refuses_ends_in_one_line_without_the_token(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    token = "MTEyMjMzNDQ1NTY2Nzc4ODk5.Gabcde.refused-by-discord-0123456789"
    settings = pointing_at(fake, DISCORD_TOKEN=token, LOG_LEVEL="DEBUG")

    result = await asyncio.to_thread(run_cli, ["run"], tmp_path, **settings)

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: Discord refused DISCORD_TOKEN; copy a fresh one from the developer portal"
    )
    assert "Traceback" not in result.stderr
    assert token not in result.stderr + result.stdout


async def test_an_unreachable_discord_ends_in_one_line(tmp_path: Path) -> None:
    settings = {
        "DISCORD_TOKEN": "MTEyMjMzNDQ1NTY2Nzc4ODk5.Gabcde.unreachable-0123456789",
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9",
    }

    result = await asyncio.to_thread(run_cli, ["run"], tmp_path, **settings)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: could not reach Discord: ")
    assert "Traceback" not in result.stderr


def facts_choices(put: RecordedRequest) -> list[str]:
    facts = next(command for command in put.json if command["name"] == "facts")
    return [choice["name"] for choice in facts["options"][0]["choices"]]


async def test_run_answers_through_the_configured_endpoints_reloads_and_stops(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    data_dir = copy_knowledge(tmp_path / "data")
    settings = pointing_at(fake, LOG_LEVEL="DEBUG", KNOWLEDGE_DIR=str(data_dir))
    async with bot_process(tmp_path, settings) as process:
        await fake.wait_for_gateway_frame(lambda frame: frame.op == 2, timeout=START_TIMEOUT)
        sent = await fake.inject_message(f"<@{fake.bot_user['id']}> who is Bob Iger?")
        reply = await fake.wait_for_request(
            lambda r: r.method == "POST" and (r.message_body or {}).get("message_reference")
        )
        first_put = await fake.wait_for_request(lambda r: r.method == "PUT")
        facts_file = data_dir / "facts.toml"
        facts_file.write_text(facts_file.read_text().replace('"Quotes"', '"Quotations"'))
        process.send_signal(signal.SIGHUP)
        # A topic was renamed, so the reload sends the /facts choices again.
        second_put = await fake.wait_for_request(lambda r: r.method == "PUT" and r is not first_put)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), STOP_TIMEOUT)

    assert process.returncode == 0, stderr.decode()
    assert str(reply.json["message_reference"]["message_id"]) == sent["id"]
    assert reply.json["embeds"][0]["title"] == "who is Bob Iger?"
    assert "Quotes" in facts_choices(first_put)
    assert "Quotations" in facts_choices(second_put)
    log = stderr.decode()
    assert "SIGHUP: reloading the knowledge base" in log
    assert "Traceback" not in log
    assert fake.token not in log + stdout.decode()
    assert fake.unrouted_requests == []


async def test_sync_overwrites_the_commands_without_connecting(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    result = await asyncio.to_thread(run_cli, ["sync"], tmp_path, **pointing_at(fake))
    again = await asyncio.to_thread(run_cli, ["sync"], tmp_path, **pointing_at(fake))

    assert (result.returncode, again.returncode) == (0, 0), result.stderr
    assert result.stdout == "Slash commands synced globally.\n"
    puts = [r for r in fake.requests if r.method == "PUT"]
    assert len(puts) == 2, "a forced sync sends the commands even when they are unchanged"
    assert sorted(c["name"] for c in puts[0].json) == ["ask", "facts", "help", "source"]
    assert list(fake.gateway_frames) == []
