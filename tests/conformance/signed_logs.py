"""Signed event logs: the conformance cases of tickets-signed.json, and an Ed25519 of its own.

The logs here are signed by a pure-Python Ed25519 (the reference code of RFC 8032, section
6, with hashlib's SHA-512), written from the documented contract of core/src/ticket/log.rs
("Signed logs"), independently of the library: the runners must verify them, refuse their
forgeries, and write byte for byte the same signed text. The key is RFC 8032's test 1.

Standard library only, like generate.py, which calls `cases(generate_module)`.
"""

import hashlib
import json

# ---------------------------------------------------------------------------------------------
# Ed25519, RFC 8032 section 6 (reference code; slow, fine for a few signatures)

_P = 2**255 - 19
_Q = 2**252 + 27742317777372353535851937790883648493


def _inv(x):
    return pow(x, _P - 2, _P)


_D = -121665 * _inv(121666) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(p1, p2):
    a = (p1[1] - p1[0]) * (p2[1] - p2[0]) % _P
    b = (p1[1] + p1[0]) * (p2[1] + p2[0]) % _P
    c = 2 * p1[3] * p2[3] * _D % _P
    d = 2 * p1[2] * p2[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, point):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, point)
        point = _add(point, point)
        s >>= 1
    return q


def _recover_x(y, sign):
    x2 = (y * y - 1) * _inv(_D * y * y + 1)
    if x2 == 0:
        return 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    assert (x * x - x2) % _P == 0
    return _P - x if (x & 1) != sign else x


_GY = 4 * _inv(5) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _compress(point):
    zinv = _inv(point[2])
    x, y = point[0] * zinv % _P, point[1] * zinv % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _expand(secret):
    assert len(secret) == 32
    h = hashlib.sha512(secret).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def _hash_q(data):
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % _Q


def public_key(secret):
    return _compress(_mul(_expand(secret)[0], _G))


def sign(secret, message):
    a, prefix = _expand(secret)
    big_a = _compress(_mul(a, _G))
    r = _hash_q(prefix + message)
    big_r = _compress(_mul(r, _G))
    s = (r + _hash_q(big_r + big_a + message) * a) % _Q
    return big_r + int.to_bytes(s, 32, "little")


# RFC 8032 section 7.1, tests 1 and 2: the code above is the RFC's.
SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
assert public_key(SECRET) == PUBLIC
assert sign(SECRET, b"").hex() == (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
_S2 = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
assert public_key(_S2).hex() == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
assert sign(_S2, b"\x72").hex() == (
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")

# Another key (the attacker's, or simply the wrong one).
OTHER = bytes(range(32))
OTHER_PUBLIC = public_key(OTHER)


def key_id(public):
    return public[:8].hex()


# ---------------------------------------------------------------------------------------------
# The log contract (core/src/ticket/log.rs), with signed end records


def event_line(ticket, seq, at, actor, action, prev):
    body = json.dumps({"v": 1, "ticket": ticket, "seq": seq, "at": at, "actor": actor, "action": action},
                      ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(prev + body.encode()).digest()
    return body[:-1] + ',"digest":"' + digest.hex() + '"}', digest


def write_sealed(records, secret=None, signatures=None):
    """A log of records: events (ticket, actor, at, action) and the strings "checkpoint" and
    "end". Every seal covers the events since the previous seal; an end record closes the
    segment (each ticket's seq counts from 0 in its segment), a checkpoint does not. With
    `secret`, seals are signed; `signatures` (one per seal) replaces them with given ones (a
    forger who re-seals without the key)."""
    lines, previous, index = [], bytes(64), 0
    heads, seqs = {}, {}
    order, count, sequence = [], 0, hashlib.sha256()
    for record in records:
        if isinstance(record, tuple):
            ticket, actor, at, action = record
            seq = seqs.get(ticket, 0)
            seqs[ticket] = seq + 1
            line, digest = event_line(ticket, seq, at, actor, action, heads.get(ticket, bytes(32)))
            if ticket not in order:
                order.append(ticket)
            heads[ticket] = digest
            sequence.update(order.index(ticket).to_bytes(4, "big"))
            count += 1
            lines.append(line)
            continue
        digest = hashlib.sha256(b"".join(t.encode() + b"\n" + heads[t] for t in order)).digest()
        seal = {"events": count, "digest": digest.hex()}
        if secret is not None:
            tag = b"wangge.log.v1.segment\n" if record == "end" else b"wangge.log.v1.checkpoint\n"
            message = (tag + index.to_bytes(8, "big") + count.to_bytes(8, "big")
                       + digest + sequence.digest() + previous)
            signature = sign(secret, message)
            if signatures is not None:
                signature = signatures[index]
            seal["key"] = key_id(public_key(secret))
            seal["signature"] = signature.hex()
            previous = signature
        index += 1
        lines.append(json.dumps({"v": 1, record: seal}, separators=(",", ":")))
        order, count, sequence = [], 0, hashlib.sha256()
        if record == "end":
            heads, seqs = {}, {}
    return "\n".join(lines) + "\n"


def write_signed(segments, secret=None, signatures=None):
    """A log of segments (lists of (ticket, actor, at, action)), each closed by an end record
    (see `write_sealed`)."""
    return write_sealed([r for events in segments for r in list(events) + ["end"]], secret, signatures)


def signatures_of(text):
    """The signatures of a log's seals (end records and checkpoints), in order."""
    seals = [json.loads(line) for line in text.splitlines() if not line.startswith('{"v":1,"ticket"')]
    return [bytes.fromhex((seal.get("end") or seal["checkpoint"])["signature"]) for seal in seals]


def lines_of(text):
    return text.splitlines(keepends=True)


# ---------------------------------------------------------------------------------------------
# The cases


def cases(g):
    op, case, t, report, A = g.op, g.case, g.t, g.report, g.A
    setup = g.LEAK_SETUP
    out = []
    K, PK, OK = SECRET.hex(), PUBLIC.hex(), OTHER_PUBLIC.hex()
    ID = key_id(PUBLIC)

    def c(name, ops):
        out.append(case(name, ops, setup))

    # The leak ticket, through the live ledger (as in tickets.json).
    # The report as the ledger writes it (every member, defaults included).
    reported = {"type": "report", "id": "T1", "category": "livelihood.repair", "channel": "grid_patrol", "unit": "b3",
                "holder": "g1", "priority": "normal", "requestType": "help", "verifyFirst": False}
    history = [("T1", "zone", t(0), reported),
               ("T1", "zx", t(1), A["file"]), ("T1", "zx", t(2), A["dispatch"]), ("T1", "w1", t(3), A["acknowledge"])]
    base = [op("t.report", ticket=report("T1"), actor="zone", at=t(0))] + [
        op("t.apply", ticket=tk, actor=actor, at=at, action=action) for tk, actor, at, action in history[1:]]

    c("signed logs: the RFC 8032 test key's public key", [op("t.public_key", secret=K, expect=PK)])
    c("signed logs: the writer signs the documented text (the same as this generator's Ed25519)",
      base + [op("t.jsonl", signingKey=K, expect=write_signed([history], SECRET))])
    c("signed logs: an unsigned log is the same text as before", base + [op("t.jsonl", expect=write_signed([history]))])
    c("signed logs: a signed log verifies with its public key and replays", base + [
        op("t.load_jsonl", signingKey=K, publicKey=PK, expect=1), op("t.state", ticket="T1", expect="in_progress")])
    c("signed logs: without a public key the signature is not checked", base + [
        op("t.load_jsonl", signingKey=K, expect=1)])
    c("signed logs: verified with another key, refused", base + [
        op("t.load_jsonl", signingKey=K, publicKey=OK, error="log.bad_signature",
           details={"line": 5, "key": key_id(OTHER_PUBLIC), "found": ID})])
    c("signed logs: signed with another key, refused", [
        op("t.load_jsonl", text=write_signed([history], OTHER), publicKey=PK, error="log.bad_signature",
           details={"line": 5, "key": ID, "found": key_id(OTHER_PUBLIC)})])
    c("signed logs: an unsigned log is refused when a key is required", base + [
        op("t.load_jsonl", publicKey=PK, error="log.unsigned_segment", details={"line": 5, "key": ID})])
    c("signed logs: an event edited on a signed log breaks its chain", base + [
        op("t.load_jsonl", signingKey=K, publicKey=PK, replace=[['"acknowledge"', '"file"']], error="log.tampered",
           details={"line": 4})])

    # A forger edits an event and computes every digest again, but cannot sign: the old
    # signature is kept (or the key identifier copied onto their own signature).
    edited = history[:3] + [("T1", "w1", t(9), A["acknowledge"])]
    signed = write_signed([history], SECRET)
    resealed = write_signed([edited], SECRET, signatures=signatures_of(signed))
    c("signed logs: an edited event sealed again without the key is refused", [
        op("t.load_jsonl", text=resealed, expect=1),
        op("t.load_jsonl", text=resealed, publicKey=PK, error="log.bad_signature", details={"line": 5, "key": ID, "found": ID})])
    forged = write_signed([edited], OTHER).replace(key_id(OTHER_PUBLIC), ID)
    c("signed logs: another key's signature under our key identifier is refused", [
        op("t.load_jsonl", text=forged, publicKey=PK, error="log.bad_signature", details={"line": 5, "found": ID})])

    # Segments: three tickets, one segment each.
    t2 = [("T2", "zone", t(4), {"type": "report", "id": "T2", "category": "livelihood.repair", "unit": "b3"}),
          ("T2", "zx", t(5), A["file"])]
    t3 = [("T3", "zone", t(6), {"type": "report", "id": "T3", "category": "livelihood.repair", "unit": "g2"})]
    three = write_signed([history, t2, t3], SECRET)
    s0, s1, s2 = lines_of(three)[:5], lines_of(three)[5:8], lines_of(three)[8:]
    c("signed logs: a log of three signed segments verifies", [
        op("t.load_jsonl", text=three, publicKey=PK, expect=3), op("t.state", ticket="T2", expect="filed")])
    c("signed logs: a segment dropped from the middle is refused", [
        op("t.load_jsonl", text="".join(s0 + s2), expect=2),
        op("t.load_jsonl", text="".join(s0 + s2), publicKey=PK, error="log.bad_signature", details={"line": 7})])
    c("signed logs: the first segment dropped is refused", [
        op("t.load_jsonl", text="".join(s1 + s2), publicKey=PK, error="log.bad_signature", details={"line": 3})])
    c("signed logs: segments swapped are refused", [
        op("t.load_jsonl", text="".join(s0 + s2 + s1), publicKey=PK, error="log.bad_signature", details={"line": 7})])
    c("signed logs: whole final segments cut off are not detected (documented)", [
        op("t.load_jsonl", text="".join(s0 + s1), publicKey=PK, expect=2)])
    c("signed logs: a segment cut short is refused", [
        op("t.load_jsonl", text="".join(s0 + s1[:1] + s1[2:]), publicKey=PK, error="log.truncated", details={"line": 7})])

    # Tickets interleaved in one segment: their order is sealed too.
    mixed = [(tk, actor, t(i), action) for i, (tk, actor, _, action) in
             enumerate([history[0], t2[0], history[1], t2[1], history[2], history[3]])]
    one = lines_of(write_signed([mixed], SECRET))
    moved = one[:1] + one[2:3] + one[1:2] + one[3:]
    c("signed logs: interleaved tickets verify", [op("t.load_jsonl", text="".join(one), publicKey=PK, expect=2)])
    c("signed logs: events of different tickets moved past each other are refused", [
        op("t.load_jsonl", text="".join(moved), expect=2),
        op("t.load_jsonl", text="".join(moved), publicKey=PK, error="log.bad_signature", details={"line": 7})])

    # The form of the signature members is checked with or without a key.
    end = json.loads(signed.splitlines()[-1])
    body = "".join(lines_of(signed)[:-1])

    def with_end(**changes):
        e = dict(end["end"], **changes)
        e = {k: v for k, v in e.items() if v is not None}
        return body + json.dumps({"v": 1, "end": e}, separators=(",", ":")) + "\n"

    for name, text in [
        ("a signature without a key identifier", with_end(key=None)),
        ("a key identifier without a signature", with_end(signature=None)),
        ("a signature in upper case", with_end(signature=end["end"]["signature"].upper())),
        ("a signature of 63 bytes", with_end(signature=end["end"]["signature"][:126])),
        ("a whole public key as the key identifier", with_end(key=PK)),
    ]:
        c(f"signed logs: {name} is malformed", [op("t.load_jsonl", text=text, error="log.malformed", details={"line": 5})])

    # Checkpoints: seals that do not close the segment (a log kept by appending, each append
    # sealed as it is stored). The chains go on across them.
    CP = "checkpoint"
    appended = [history[0], CP, history[1], CP, history[2], history[3], CP]
    live = write_sealed(appended, SECRET)
    lv = lines_of(live)
    c("checkpoints: a log sealed by a signed checkpoint after each append verifies and replays", [
        op("t.load_jsonl", text=live, publicKey=PK, expect=1), op("t.state", ticket="T1", expect="in_progress"),
        op("t.load_jsonl", text=live, expect=1)])
    c("checkpoints: cut just after a checkpoint, a log is a genuine shorter log (documented)", [
        op("t.load_jsonl", text="".join(lv[:4]), publicKey=PK, expect=1), op("t.state", ticket="T1", expect="filed")])
    c("checkpoints: events after the last checkpoint are not sealed", [
        op("t.load_jsonl", text="".join(lv[:5]), publicKey=PK, error="log.truncated", details={"line": 6}),
        op("t.load_jsonl", text="".join(lv[:5]), error="log.truncated", details={"line": 6})])
    c("checkpoints: a checkpoint dropped leaves the next one counting events it does not seal", [
        op("t.load_jsonl", text="".join(lv[:1] + lv[2:]), error="log.truncated", details={"line": 3})])
    c("checkpoints: a checkpoint's signature does not pass for an end record's", [
        op("t.load_jsonl", text="".join(lv[:-1]) + lv[-1].replace('"checkpoint"', '"end"'), expect=1),
        op("t.load_jsonl", text="".join(lv[:-1]) + lv[-1].replace('"checkpoint"', '"end"'), publicKey=PK,
           error="log.bad_signature", details={"line": 7, "key": ID, "found": ID})])
    c("checkpoints: unsigned checkpoints are refused when a key is required", [
        op("t.load_jsonl", text=write_sealed(appended), expect=1),
        op("t.load_jsonl", text=write_sealed(appended), publicKey=PK, error="log.unsigned_segment",
           details={"line": 2, "key": ID})])
    edited_live = write_sealed(appended[:5] + [("T1", "w1", t(9), A["acknowledge"]), CP], SECRET,
                               signatures=signatures_of(live))
    c("checkpoints: an edited append sealed again without the key is refused", [
        op("t.load_jsonl", text=edited_live, expect=1),
        op("t.load_jsonl", text=edited_live, publicKey=PK, error="log.bad_signature", details={"line": 7})])
    mixed_seals = write_sealed(appended + ["end"] + t2[:1] + [CP] + t2[1:] + t3 + [CP, "end"], SECRET)
    c("checkpoints: checkpoints and end records mix; each seal covers the events since the previous one", [
        op("t.load_jsonl", text=mixed_seals, publicKey=PK, expect=3), op("t.state", ticket="T2", expect="filed")])
    both = lv[-1].replace('{"v":1,', '{"v":1,"end":' + json.dumps(json.loads(lv[-1])["checkpoint"], separators=(",", ":")) + ",")
    c("checkpoints: a line both an end record and a checkpoint is malformed", [
        op("t.load_jsonl", text="".join(lv[:-1]) + both, error="log.malformed", details={"line": 7})])

    # Keys given by the caller.
    c("signed logs: a public key of 31 bytes is refused", base + [
        op("t.load_jsonl", publicKey=PK[:62], error="log.invalid_key", details={"kind": "public", "length": 31})])
    c("signed logs: a public key that is not a curve point is refused", base + [
        op("t.load_jsonl", publicKey="02" + "00" * 31, error="log.invalid_key", details={"kind": "public", "length": 32})])
    c("signed logs: a weak public key (small order) is refused", base + [
        op("t.load_jsonl", publicKey="00" * 32, error="log.invalid_key", details={"kind": "public", "length": 32})])
    c("signed logs: a secret key of 33 bytes is refused", base + [
        op("t.public_key", secret=K + "00", error="log.invalid_key", details={"kind": "secret", "length": 33}),
        op("t.jsonl", signingKey=K[:32], error="log.invalid_key", details={"kind": "secret", "length": 16})])
    return out
