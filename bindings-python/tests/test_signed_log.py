"""Signed logs: ``to_jsonl(signing_key=…)``, ``from_jsonl(…, public_key=…)``, ``wangge.public_key``
and their errors (the shared cases are in tests/conformance/)."""

from __future__ import annotations

import json

import pytest

import wangge
from conftest import leak_ledger

# RFC 8032 section 7.1, test 1.
SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


def test_public_key_of_a_secret():
    assert wangge.public_key(SECRET) == PUBLIC
    assert wangge.public_key(bytearray(SECRET)) == PUBLIC
    with pytest.raises(wangge.LogError) as e:
        wangge.public_key(SECRET[:31])
    assert (e.value.code, e.value.kind, e.value.length) == ("log.invalid_key", "secret", 31)
    with pytest.raises(wangge.MalformedInput):
        wangge.public_key(SECRET.hex())  # type: ignore[arg-type]


def test_signed_log_round_trip_and_refusals():
    ledger = leak_ledger()
    h = ledger.hierarchy
    text = ledger.to_jsonl(signing_key=SECRET)
    end = json.loads(text.splitlines()[-1])["end"]
    assert end["key"] == PUBLIC[:8].hex() and len(end["signature"]) == 128
    assert ledger.to_jsonl(signing_key=SECRET) == text, "deterministic"
    assert ledger.to_jsonl(signing_key=None) == ledger.to_jsonl()
    back = wangge.Ledger.from_jsonl(h, text, public_key=PUBLIC)
    assert back == ledger and back.get("XHCT-1") == ledger.get("XHCT-1")
    # Without a key the signature is not checked.
    assert wangge.Ledger.from_jsonl(h, text) == ledger

    other = wangge.public_key(bytes(32))
    with pytest.raises(wangge.TamperedLog) as e:
        wangge.Ledger.from_jsonl(h, text, public_key=other)
    assert e.value.code == "log.bad_signature"
    assert (e.value.line, e.value.key, e.value.found) == (19, other[:8].hex(), PUBLIC[:8].hex())
    with pytest.raises(wangge.TamperedLog) as e:
        wangge.Ledger.from_jsonl(h, ledger.to_jsonl(), public_key=PUBLIC)
    assert (e.value.code, e.value.line, e.value.key) == ("log.unsigned_segment", 19, PUBLIC[:8].hex())
    edited = text.replace("店主已维修", "没修")
    with pytest.raises(wangge.TamperedLog) as e:
        wangge.Ledger.from_jsonl(h, edited, public_key=PUBLIC)
    assert e.value.code == "log.tampered"


def test_signed_log_files(tmp_path):
    ledger = leak_ledger()
    path = tmp_path / "signed.jsonl"
    ledger.write_jsonl(path, signing_key=SECRET)
    assert path.read_text(encoding="utf-8") == ledger.to_jsonl(signing_key=SECRET)
    assert wangge.Ledger.read_jsonl(ledger.hierarchy, path, public_key=PUBLIC) == ledger
    with pytest.raises(wangge.TamperedLog):
        wangge.Ledger.read_jsonl(ledger.hierarchy, path, public_key=wangge.public_key(bytes(32)))


def test_keys_of_the_wrong_type_or_length():
    ledger = leak_ledger()
    h = ledger.hierarchy
    text = ledger.to_jsonl(signing_key=SECRET)
    with pytest.raises(wangge.LogError) as e:
        ledger.to_jsonl(signing_key=SECRET + b"\0")
    assert (e.value.code, e.value.kind, e.value.length) == ("log.invalid_key", "secret", 33)
    with pytest.raises(wangge.LogError) as e:
        wangge.Ledger.from_jsonl(h, text, public_key=bytes(32))
    assert (e.value.code, e.value.kind) == ("log.invalid_key", "public")
    for wrong in (SECRET.hex(), list(SECRET), 7):
        with pytest.raises(wangge.MalformedInput):
            ledger.to_jsonl(signing_key=wrong)  # type: ignore[arg-type]
        with pytest.raises(wangge.MalformedInput):
            wangge.Ledger.from_jsonl(h, text, public_key=wrong)  # type: ignore[arg-type]


@pytest.mark.parametrize("threads", [2, 3, 8])
def test_reading_on_several_threads_gives_the_same_ledger_or_error(threads, tmp_path):
    ledger = leak_ledger()
    h = ledger.hierarchy
    text = ledger.to_jsonl(signing_key=SECRET)
    assert wangge.Ledger.from_jsonl(h, text, public_key=PUBLIC, threads=threads) == ledger
    assert wangge.Ledger.from_jsonl(h, text, threads=threads) == ledger
    path = tmp_path / "signed.jsonl"
    path.write_text(text, encoding="utf-8")
    assert wangge.Ledger.read_jsonl(h, path, public_key=PUBLIC, threads=threads) == ledger
    lines = text.splitlines(keepends=True)
    edits = [
        text.replace("店主已维修", "没修"),  # an event edited
        "".join(lines[:3] + lines[4:]),  # an event dropped
        "".join(lines[:-1]),  # the end record dropped
        "".join(lines[:5] + ["\n"] + lines[5:]),  # a blank line
    ]
    for edited in edits:
        for key in (None, PUBLIC):
            with pytest.raises(wangge.WanggeError) as one:
                wangge.Ledger.from_jsonl(h, edited, public_key=key)
            with pytest.raises(wangge.WanggeError) as many:
                wangge.Ledger.from_jsonl(h, edited, public_key=key, threads=threads)
            assert (type(many.value), many.value.code, many.value.line) == (
                type(one.value), one.value.code, one.value.line)
