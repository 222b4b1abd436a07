"""The Discord bot and the command line around the `knowledge` library.

Nothing here is imported eagerly: `python -m bot ask` must not pay for discord.py.
"""
