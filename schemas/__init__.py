"""Marshmallow schemas: what the API and the sync protocol accept and answer."""
