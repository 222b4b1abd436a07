"""The command line: ask the knowledge base without Discord, check the data, run the bot.

`ask`, `chat`, `facts` and `kb check` never import discord.py, so they start fast and need no
token or network. Exit codes: 0 every question answered, 1 some question declined or
ambiguous, 2 bad usage or input that is not a question, 3 the knowledge base is invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from knowledge.cache import load_engine
from knowledge.classifier import is_trained_for
from knowledge.engine import AnswerEngine
from knowledge.loading import KnowledgeBaseError, load_knowledge_base
from knowledge.models import Answer, KnowledgeBase

EXIT_ANSWERED = 0
EXIT_DECLINED = 1
EXIT_USAGE = 2
EXIT_BAD_KNOWLEDGE = 3


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m bot`."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KnowledgeBaseError as error:
        print(f"error: the knowledge base is invalid:\n{error}", file=sys.stderr)
        return EXIT_BAD_KNOWLEDGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `python -m bot facts | head`
        sys.stderr.close()
        return EXIT_ANSWERED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answers questions about one news article with cited, verbatim facts.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="knowledge base folder (default: the one shipped with the package)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question ('-' reads one per line from stdin)")
    ask.add_argument("question", help="the question, or - to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print each answer as one JSON object")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="ask questions interactively")
    chat.set_defaults(handler=_chat)

    facts = commands.add_parser("facts", help="list the facts the bot can state")
    facts.add_argument("--topic", help="only this topic (see the list without --topic)")
    facts.add_argument("--json", action="store_true", help="print the facts as JSON")
    facts.set_defaults(handler=_facts)

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")
    check = kb_commands.add_parser("check", help="validate the data files and print a summary")
    check.set_defaults(handler=_kb_check)

    run = commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)
    sync = commands.add_parser("sync", help="force a sync of the bot's slash commands")
    sync.set_defaults(handler=_sync)
    return parser


def _engine(args: argparse.Namespace) -> AnswerEngine:
    return load_engine(args.data_dir)


def _ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    questions = _stdin_lines() if args.question == "-" else iter([args.question])
    worst = EXIT_ANSWERED
    for number, question in enumerate(questions):
        answer = engine.ask(question)
        if args.json:
            print(answer.model_dump_json(), flush=True)
        else:
            if args.question == "-":
                print(("\n" if number else "") + f"Q: {answer.question}")
            print(answer.answer, flush=True)
        worst = max(worst, _exit_code(answer))
    return worst


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin, decoded leniently: undecodable bytes become U+FFFD, not a crash."""
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _exit_code(answer: Answer) -> int:
    if answer.answered:
        return EXIT_ANSWERED
    return EXIT_USAGE if answer.status == "rejected" else EXIT_DECLINED


def _chat(args: argparse.Namespace) -> int:
    engine = _engine(args)
    source = engine.knowledge.source
    print(f"Ask me about “{source.headline}” ({source.published}). Empty line or Ctrl-D quits.")
    return _chat_loop(engine, sys.stdin, sys.stdout)


def _chat_loop(engine: AnswerEngine, stdin: TextIO, stdout: TextIO) -> int:
    while True:
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line.strip():
            stdout.write("\n")
            return EXIT_ANSWERED
        stdout.write(engine.ask(line.rstrip("\n")).answer + "\n\n")


def _facts(args: argparse.Namespace) -> int:
    knowledge = load_knowledge_base(args.data_dir)
    topics = [t.id for t in knowledge.topics]
    if args.topic is not None and args.topic not in topics:
        print(f"error: unknown topic {args.topic!r}; topics: {', '.join(topics)}", file=sys.stderr)
        return EXIT_USAGE
    facts = [f for f in knowledge.facts if args.topic in (None, f.topic)]
    if args.json:
        print(json.dumps([f.model_dump(mode="json") for f in facts], ensure_ascii=False))
        return EXIT_ANSWERED
    for topic in knowledge.topics:
        chosen = [f for f in facts if f.topic == topic.id]
        if chosen:
            print(f"{topic.title} [{topic.id}]")
            print("".join(f"  {f.id}: {f.answer}\n" for f in chosen))
    return EXIT_ANSWERED


def _kb_check(args: argparse.Namespace) -> int:
    knowledge = load_knowledge_base(args.data_dir)
    print(_summary(knowledge))
    return EXIT_ANSWERED


def _summary(knowledge: KnowledgeBase) -> str:
    quotes = sum(len(f.citations) for f in knowledge.facts)
    lines = [
        f"OK: knowledge base {knowledge.version} is valid.",
        f"  source: “{knowledge.source.headline}” ({knowledge.source.published}), "
        f"crediting {', '.join(knowledge.source.credited_outlets)}",
        f"  {knowledge.article.paragraph_count} paragraphs, {len(knowledge.facts)} facts, "
        f"{quotes} verbatim quotes, {len(knowledge.topics)} topics:",
    ]
    lines += [f"    {t.id}: {len(t.fact_ids)} facts" for t in knowledge.topics]
    record = knowledge.classifier
    if record is None:
        lines.append("  learned classifier: none; answering from the word matcher alone")
    elif is_trained_for(record, knowledge):
        lines.append(
            f"  learned classifier: {len(record.labels)} labels, {len(record.features)} "
            "features, trained for these facts"
        )
    else:
        lines.append(
            "  learned classifier: OUT OF DATE (trained for other facts), so it is not used; "
            "retrain it with: python -m knowledge.training"
        )
    return "\n".join(lines)


def _run(_args: argparse.Namespace) -> int:
    from bot.runner import run  # noqa: PLC0415 - discord.py is only imported to run the bot

    return run()


def _sync(_args: argparse.Namespace) -> int:
    from bot.runner import sync  # noqa: PLC0415 - discord.py is only imported to run the bot

    return sync()
