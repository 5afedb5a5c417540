"""The offline field client: a local replica and outbox, synced with one command."""
