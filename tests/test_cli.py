"""The command line, run the way a user runs it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _chat_loop, main
from knowledge.loading import default_data_dir


def run_cli(
    *args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` in a child process; stdin is raw bytes, as a pipe would give."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=cwd,
        env=env,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def test_ask_prints_the_fact_and_its_citation(capsys):
    assert main(["ask", "what is netflix paying for its AI product manager?"]) == 0
    out = capsys.readouterr().out
    assert "$300,000 and $900,000" in out
    assert "> Netflix has listed a position for a machine learning product manager" in out
    assert "paragraph 1, sentence 1" in out
    assert "July 31, 2023" in out


def test_ask_json_is_one_object_with_the_documented_fields(capsys):
    assert main(["ask", "--json", "deepfake show?"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    data = json.loads(line)
    assert data["answered"] is True
    assert data["fact_ids"] == ["deep-fake-love"]
    assert data["citations"][0]["quote"] in data["answer"]
    assert 0 < data["confidence"] <= 1


def test_declined_question_exits_1_with_suggestions(capsys):
    assert main(["ask", "what's the weather in paris?"]) == 1
    out = capsys.readouterr().out
    assert "rather not guess" in out or "I answer questions" in out
    assert "- " in out


def test_empty_question_exits_2_with_a_message(capsys):
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().out


def test_stdin_batch_gives_one_json_line_per_input_line():
    questions = (
        b"deepfake show?\n\n"
        + b"\xff\xfe\x00\x01\x02\x03\x04\x05\n"
        + b"x" * 100_000
        + b"\nstrike status?\n"
    )
    result = run_cli("ask", "-", "--json", stdin=questions)
    assert result.returncode == 2, result.stderr  # some lines were not questions
    assert "Traceback" not in result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in replies] == [
        "answered",
        "rejected",
        "rejected",
        "rejected",
        "topic",
    ]
    for reply in replies:
        assert {"answered", "answer", "citations", "confidence", "fact_ids"} <= reply.keys()


def test_ask_does_not_import_discord():
    code = (
        "import sys; from bot.cli import main; main(['ask', 'deepfake show?']);"
        "assert 'discord' not in sys.modules, 'discord imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_facts_lists_one_topic(capsys):
    assert main(["facts", "--topic", "salaries"]) == 0
    out = capsys.readouterr().out
    assert "ml-product-manager-salary" in out
    assert "deep-fake-love" not in out


def test_facts_unknown_topic_is_a_usage_error(capsys):
    assert main(["facts", "--topic", "weather"]) == 2
    err = capsys.readouterr().err
    assert "unknown topic 'weather'" in err
    assert "salaries" in err


def test_facts_json_round_trips(capsys, knowledge):
    assert main(["facts", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(knowledge.facts)


def test_kb_check_prints_a_summary(capsys, knowledge):
    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out
    assert f"OK: knowledge base {knowledge.version} is valid" in out
    assert f"{len(knowledge.facts)} facts" in out


def test_kb_check_on_broken_data_exits_3_naming_the_problem(tmp_path, capsys):
    (tmp_path / "facts.toml").write_text("not = [valid", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "kb", "check"]) == 3
    err = capsys.readouterr().err
    assert "facts.toml" in err
    assert "not valid TOML" in err


def test_kb_check_says_when_the_learned_classifier_is_out_of_date(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    facts = data / "facts.toml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("somewhere between", "anywhere between", 1),
        encoding="utf-8",
    )
    assert main(["--data-dir", str(data), "kb", "check"]) == 0
    assert "OUT OF DATE" in capsys.readouterr().out
    assert main(["kb", "check"]) == 0
    assert "trained for these facts" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error():
    result = run_cli("explode")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_chat_answers_until_an_empty_line(engine):
    stdout = io.StringIO()
    code = _chat_loop(engine, io.StringIO("deepfake show?\nany quotes?\n\n"), stdout)
    assert code == 0
    transcript = stdout.getvalue()
    assert "Deep Fake Love" in transcript
    assert transcript.count("> ") >= 3


@pytest.mark.parametrize("command", [["run"], ["sync"]])
def test_discord_commands_without_a_token_fail_with_one_clear_line(command, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = run_cli(*command, cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DISCORD_TOKEN" in result.stderr + result.stdout
