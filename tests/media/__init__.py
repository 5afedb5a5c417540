"""Media tests, and photo-making helpers (tests.media.photos) that other suites reuse."""
