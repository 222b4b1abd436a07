"""The bot's extensions, one capability each; `bot.client.EXTENSIONS` lists them."""
