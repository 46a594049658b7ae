"""The subcommands of ``undersight``, one module each (``options`` holds what
several share). Each module's ``register(sub)`` adds its parser and handler to
the one parser tree in :mod:`undersight.cli`; handlers import the feature they
run on first use, so building the tree stays cheap."""
