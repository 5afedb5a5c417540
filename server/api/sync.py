"""Push and pull for devices."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g

from media.store import MediaStore
from schemas.sync import PullOutputSchema, PullQuerySchema, PushInputSchema, PushOutputSchema
from server.api.endpoint import endpoint
from server.clock import utcnow
from server.services.sync_store import ServerMutationContext, SqlPullStorage, SqlPushStorage
from sync.mutations import Actor
from sync.pull import pull as pull_changes
from sync.push import Envelope
from sync.push import push as push_mutations

bp = Blueprint("sync", __name__)


@endpoint(bp, "/sync/push", methods=["POST"], roles=("engineer",), body=PushInputSchema,
          response=PushOutputSchema,
          summary="Apply a device's queued mutations exactly once, in seq order")
def push(body):
    now = utcnow()
    actor = Actor(id=g.user.id, role=g.user.role, name=g.user.name)
    storage = SqlPushStorage(g.user, g.token.device_id or body["client_id"], now)
    catalog_cache: dict = {}
    store = MediaStore(Path(current_app.config["MEDIA_DIR"]))
    envelopes = [Envelope(**m) for m in body["mutations"]]
    return push_mutations(storage, actor, body["client_id"], envelopes,
                          lambda envelope: ServerMutationContext(actor, now, catalog_cache,
                                                                       store))


@endpoint(bp, "/sync/pull", methods=["GET"], roles=("engineer",), query=PullQuerySchema,
          response=PullOutputSchema,
          summary="What changed in the engineer's scope since the cursor", snapshot=True)
def pull(query):
    return pull_changes(SqlPullStorage(), g.user.id, query.get("cursor"),
                        query.get("limit", 500))
