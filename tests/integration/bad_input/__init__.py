"""Bad input over HTTP, one file a topic: each case answers its status with the contract's error
shape, never 500, and leaves nothing half-written; on SQLite and PostgreSQL (`backend`)."""
