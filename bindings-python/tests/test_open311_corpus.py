"""Real GeoReport v2 documents written by others (tests/open311/documents; sources in
tests/open311/SOURCES.md) import as tests/open311/manifest.json says; the Rust and JS suites
run the same manifest."""

import json
from pathlib import Path

import pytest

import wangge

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "open311"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("doc", MANIFEST["documents"], ids=lambda d: d["file"])
def test_every_real_document_imports_as_the_manifest_says(doc):
    raw = (CORPUS / "documents" / doc["file"]).read_bytes()
    if doc["kind"] == "malformed":
        with pytest.raises(wangge.Open311Error) as e:
            wangge.open311_read(raw)
        assert e.value.code == "open311.malformed"
        return
    read = wangge.open311_read(raw)
    assert read["kind"] == doc["kind"]
    if doc["kind"] == "requests":
        services = wangge.open311_import_services(wangge.open311_services_named(read["items"]))
        assert services["errors"] == []
        assert len(services["taxonomy"]["categories"]) == doc["services"]
        h = wangge.Hierarchy()
        h.add("city", "city", "City")
        ledger = wangge.Ledger(h, services["taxonomy"])
        out = wangge.open311_import(ledger, raw, "city", local_offset=doc.get("localOffset"))
        assert out["errors"] == []
        assert len(out["tickets"]) == doc["tickets"]
        assert len(out["duplicates"]) == doc["duplicates"]
        closed = sum(1 for t in out["tickets"] if ledger.get(t)["state"] == "closed")
        assert closed == doc["closed"]
    elif doc["kind"] == "services":
        services = wangge.open311_import_services(raw)
        assert services["errors"] == []
        assert len(services["taxonomy"]["categories"]) == doc["services"]
    elif doc["kind"] == "errors":
        assert [e["code"] for e in read["items"]] == doc["codes"]
        with pytest.raises(wangge.Open311Error) as e:
            wangge.open311_import(wangge.Ledger(wangge.Hierarchy()), raw)
        assert e.value.code == "open311.server_error"
    else:
        with pytest.raises(wangge.Open311Error) as e:
            wangge.open311_import(wangge.Ledger(wangge.Hierarchy()), raw)
        assert e.value.code == "open311.wrong_document"


def test_a_field_at_fault_is_named_with_its_value():
    h = wangge.Hierarchy()
    h.add("city", "city", "City")
    services = wangge.open311_import_services('[{"service_code": "001", "service_name": "Cans", "type": "realtime"}]')
    ledger = wangge.Ledger(h, services["taxonomy"])
    out = wangge.open311_import(
        ledger,
        [{"service_request_id": "1", "service_code": "001", "requested_datetime": "2012-05-22 23:57:23.97"},
         {"service_request_id": "2", "service_code": "002", "requested_datetime": "2012-05-22T10:00:00Z"},
         {"service_request_id": "3", "service_code": "001", "status": "Fixed",
          "requested_datetime": "2012-05-22T10:00:00Z", "updated_datetime": "2012-05-23T10:00:00Z"}],
        "city",
    )
    (row1, e1), (row2, e2) = out["errors"]
    assert (row1, e1.code, e1.field, e1.value) == (1, "open311.invalid_field", "requested_datetime", "2012-05-22 23:57:23.97")
    assert "localOffset" in str(e1)
    assert (row2, e2.code, e2.field, e2.value) == (2, "open311.refused", "service_code", "002")
    # A FixMyStreet status through the default table; a local offset reads zoneless times.
    assert ledger.get("3")["state"] == "closed"
    again = wangge.open311_import(ledger, [{"service_request_id": "1", "service_code": "001",
                                            "requested_datetime": "2012-05-22 23:57:23.97"}],
                                  "city", local_offset="-07:00", statuses={"open": "filed"})
    assert again["tickets"] == ["1"] and again["assumed"][0]["field"] == "requested_datetime"
    assert ledger.get("1")["reportedAt"] == "2012-05-23T14:57:23+08:00"
    with pytest.raises(wangge.Open311Error) as e:
        wangge.open311_import(ledger, [], local_offset="PST")
    assert (e.value.code, e.value.option, e.value.value) == ("open311.invalid_option", "localOffset", "PST")
