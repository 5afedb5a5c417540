"""The OpenAPI document is valid, names every route, and a client generated from it does a job.

Every answer the other tests receive through tests/api.py is also checked against the document
(tests/openapi_check.py); here the document itself is checked, and used as a mobile team would.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from schemas.mutations import ARGS_SCHEMAS
from tests.api import SHENZHEN, new_id
from tests.flows import signature_png
from tests.media.photos import make_photo, sha256_of
from tests.openapi_check import document

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def test_the_document_is_valid_openapi():
    validate(document())


def test_every_api_route_is_in_the_document_with_openapi_style_paths(app):
    paths = document()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        assert path in paths, path
        methods = {m.lower() for m in rule.methods - {"OPTIONS"}}
        if "get" in methods:
            methods.discard("head")  # Flask answers HEAD for every GET
        assert methods <= set(paths[path]), (path, methods)
    assert not [p for p in paths if "<" in p]
    assert paths["/api/v1/media/{sha256}"]["put"]["parameters"][0]["schema"]["pattern"]


def test_each_push_mutation_has_its_arguments_as_a_schema_chosen_by_name():
    schemas = document()["components"]["schemas"]
    mutation = schemas["Mutation"]
    assert mutation["discriminator"]["propertyName"] == "name"
    assert set(mutation["discriminator"]["mapping"]) == set(ARGS_SCHEMAS) >= {
        "workorder.accept", "workorder.start", "workorder.note", "workorder.complete",
        "charge.add", "charge.remove", "photo.attach", "signoff.capture",
        "workorder.fail_visit"}
    charge = schemas["Mutation_charge_add"]["properties"]["args"]["$ref"]
    assert "quantity" in schemas[charge.rsplit("/", 1)[1]]["properties"]
    push = document()["paths"]["/api/v1/sync/push"]["post"]["requestBody"]
    items = push["content"]["application/json"]["schema"]["properties"]["mutations"]["items"]
    assert items == {"$ref": "#/components/schemas/Mutation"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A client package generated from the document by openapi-python-client (no network)."""
    root = tmp_path_factory.mktemp("generated")
    spec = root / "openapi.json"
    spec.write_text(json.dumps(document()))
    config = root / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: fieldsync_generated\n"
                      "project_name_override: fieldsync_generated\n"
                      "content_type_overrides:\n  image/*: application/octet-stream\n")
    result = subprocess.run([str(GENERATOR), "generate", "--path", str(spec), "--output-path",
                             str(root / "fieldsync_generated"), "--meta", "none",
                             "--config", str(config)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("fieldsync_generated")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.startswith("fieldsync_generated")]:
            del sys.modules[name]


def test_a_generated_client_drives_a_whole_job(app, api, generated, tmp_path):
    client_module = importlib.import_module("fieldsync_generated.client")
    models = importlib.import_module("fieldsync_generated.models")
    types = importlib.import_module("fieldsync_generated.types")
    ops = {name: importlib.import_module(f"fieldsync_generated.api.{area}.{name}")
           for area, names in (("auth", ["issue_token"]),
                               ("dispatch", ["create_customer", "create_site",
                                             "create_catalog_item", "create_work_order",
                                             "get_work_order"]),
                               ("sync", ["push"]), ("media", ["upload"]))
           for name in names}
    api.create_user("dispatcher", "dispatcher")
    api.create_user("engineer", "engineer")
    transport = {"transport": httpx.WSGITransport(app=app)}
    public = client_module.Client(base_url="http://fieldsync.test", httpx_args=transport)

    def signed_in(username):
        answer = ops["issue_token"].sync(client=public, body=models.TokenInput(
            username=username, password="correct horse battery"))
        return client_module.AuthenticatedClient(base_url="http://fieldsync.test",
                                                 token=answer.token, httpx_args=transport)

    office, engineer = signed_in("dispatcher"), signed_in("engineer")
    customer = ops["create_customer"].sync(client=office, body=models.CustomerInput(
        name="Huang Min"))
    site = ops["create_site"].sync(client=office, body=models.SiteInput(
        customer_id=customer.id, address="Nanshan", location=models.Location(**SHENZHEN)))
    ops["create_catalog_item"].sync(client=office, body=models.CatalogInput(
        code="LAB-1H", kind=models.CatalogInputKind.LABOUR, description="Labour, per hour",
        unit="h", unit_price="33.33", tax_rate="0.06"))
    order = ops["create_work_order"].sync(client=office, body=models.WorkOrderInput(
        customer_id=customer.id, site_id=site.id, title="Air conditioner not cooling",
        assigned_engineer_id=api.user_ids["engineer"]))
    assert order.status == "assigned"

    def upload(data: bytes):
        sha = sha256_of(data)
        response = ops["upload"].sync_detailed(sha, client=engineer, body=types.File(
            payload=io.BytesIO(data)))
        assert response.status_code == 201, response.content
        return sha

    photo = upload(make_photo(tmp_path / "after.jpg", SHENZHEN["lat"], SHENZHEN["lon"])
                   .read_bytes())
    signature = upload(signature_png())
    client_id, seq = new_id(), 0

    def push(mutation_class, args):
        nonlocal seq
        seq += 1
        name = mutation_class.__name__  # e.g. MutationWorkorderAccept
        mutation = mutation_class(seq=seq, id=new_id(), name=getattr(
            models, f"{name}Name")(_NAMES[name]), args=args)
        answer = ops["push"].sync(client=engineer, body=models.PushBody(
            client_id=client_id, mutations=[mutation]))
        assert answer.results[0].status == "applied", answer.results[0].to_dict()

    push(models.MutationWorkorderAccept, models.OrderArgs(work_order_id=order.id))
    push(models.MutationWorkorderStart, models.StartArgs(work_order_id=order.id))
    push(models.MutationChargeAdd, models.ChargeAddArgs(
        work_order_id=order.id, charge_id=new_id(), quantity="1.5", catalog_code="LAB-1H"))
    push(models.MutationPhotoAttach, models.PhotoAttachArgs(
        work_order_id=order.id, photo_id=new_id(), sha256=photo,
        kind=models.PhotoAttachArgsKind.AFTER))
    current = ops["get_work_order"].sync(order.id, client=engineer)
    push(models.MutationSignoffCapture, models.SignoffCaptureArgs(
        work_order_id=order.id, signoff_id=new_id(), signer_name="Huang Min",
        signature_sha256=signature, charges_digest=current.charges_digest,
        total=current.totals.total))
    push(models.MutationWorkorderComplete, models.OrderArgs(work_order_id=order.id))

    done = ops["get_work_order"].sync(order.id, client=office)
    assert done.status == "completed"
    assert done.totals.total == "53.00"
    assert [c.catalog_code for c in done.charges] == ["LAB-1H"]
    # apispec writes a nullable nested object as anyOf [null object, $ref], which the
    # generator types loosely: read it as the dict it answers.
    assert done.to_dict()["signoff"]["valid"] is True
    assert done.photos[0].verification.status == "verified"


_NAMES = {"MutationWorkorderAccept": "workorder.accept",
          "MutationWorkorderStart": "workorder.start",
          "MutationChargeAdd": "charge.add", "MutationPhotoAttach": "photo.attach",
          "MutationSignoffCapture": "signoff.capture",
          "MutationWorkorderComplete": "workorder.complete"}
