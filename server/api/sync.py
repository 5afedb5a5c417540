"""Push and pull for devices."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, g

from schemas.roles import ENGINEER
from schemas.sync import PullOutputSchema, PullQuerySchema, PushInputSchema, PushOutputSchema
from server import metrics
from server.api.endpoint import endpoint
from server.clock import utcnow
from server.extensions import compress
from server.media_store import media_store
from server.services.pull_store import SqlPullStorage
from server.services.sync_store import push_from_device
from sync.pull import pull_json

bp = Blueprint("sync", __name__)


@endpoint(bp, "/sync/push", methods=["POST"], roles=(ENGINEER,), body=PushInputSchema,
          response=PushOutputSchema,
          summary="Apply a device's queued mutations exactly once, in seq order")
def push(body):
    config = current_app.config
    answer = push_from_device(g.user, g.token.device_id, body, now=utcnow(),
                              store=media_store(),
                              timezone=config["TIMEZONE"],
                              photo_slack=timedelta(minutes=config["PHOTO_WINDOW_SLACK_MINUTES"]))
    metrics.push_answered(answer)
    return answer


@endpoint(bp, "/sync/pull", methods=["GET"], roles=(ENGINEER,), query=PullQuerySchema,
          response=PullOutputSchema,
          summary="What changed in the engineer's scope since the cursor", snapshot=True)
@compress.compressed()
def pull(query):
    return Response(pull_json(SqlPullStorage(), g.user.id, query.get("cursor"),
                              query.get("limit", 500)), mimetype="application/json")
