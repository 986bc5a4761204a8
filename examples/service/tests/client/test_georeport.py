"""A third-party Open311 client library talks to the wangge service: `georeport` (PyPI,
Apache-2.0, "Python wrapper for the Open311 GeoReport v2 API") reads services, service
definitions and requests, in JSON and in XML, from the running `wangge-service serve`.
(georeport does not create requests; they are posted with `requests`, as a form.)"""

import os
import re
import subprocess
from pathlib import Path

import pytest
import requests
from georeport import GeoReport

ROOT = Path(__file__).resolve().parents[4]


def binary() -> str:
    explicit = os.environ.get("WANGGE_SERVICE_BIN")
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "wangge-service")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    store = tmp_path_factory.mktemp("service") / "xinjian.sqlite"
    proc = subprocess.Popen([binary(), "serve", str(store), "127.0.0.1:0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        address = re.search(r"http://([0-9.:]+)/", line).group(1)
        root = f"http://{address}/open311/v2"
        # Two requests, posted as the specification has it (a form with an api_key).
        for code, description in [("livelihood.parking", "免费停车2小时太短"), ("livelihood.repair", "路灯不亮")]:
            r = requests.post(f"{root}/requests.json", data={
                "api_key": "demo-key", "service_code": code, "lat": "32.633628", "long": "116.819763",
                "description": description})
            r.raise_for_status()
        yield root
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(endpoint, output_format):
    client = GeoReport(endpoint, jurisdiction="xinjian", output_format=output_format)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"livelihood.parking", "livelihood.repair"} <= codes
    definition = client.get_service_definition("livelihood.parking")
    assert definition["service_code"] == "livelihood.parking"
    listed = client.get_service_requests()
    assert len(listed) == 2
    by_code = {r["service_code"]: r for r in listed}
    parking = by_code["livelihood.parking"]
    assert parking["status"] == "open"
    assert parking["address_id"] == "xj-kgxq"  # located in 矿工新村小区 from its GPS point
    assert parking["description"] == "免费停车2小时太短"
    one = client.get_service_request(parking["service_request_id"])
    assert one["service_request_id"] == parking["service_request_id"]
    assert client.get_service_requests(service_code="livelihood.repair")  # a list of one (a dict in XML)
    if output_format == "json":
        # (georeport reads an empty XML list as an error of its own: `None['request']`.)
        assert client.get_service_requests(status="closed") == []


def test_georeport_sees_the_specifications_errors(endpoint):
    client = GeoReport(endpoint, jurisdiction="elsewhere")
    with pytest.raises(requests.HTTPError) as e:
        client.get_service_list()
    assert e.value.response.status_code == 404
    assert e.value.response.json()[0]["code"] == 404
