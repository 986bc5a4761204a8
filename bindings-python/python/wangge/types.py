"""Type aliases of the wangge API: enum values as ``Literal`` string types and the shapes of
documents and results as ``TypedDict``s, generated from the Rust types of the core
(``_types_generated.py``, by ``scripts/gen_types.py``), and the shapes of arguments only the
Python binding has. Importable at runtime (``from wangge.types import NodeKind``)."""

from __future__ import annotations

import os
from array import array
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Protocol, Tuple, Union

from .errors import WanggeError

if TYPE_CHECKING:  # the class lives in the extension module
    from ._wangge import Authority

from ._types_generated import *  # noqa: F401,F403  (the core's shapes, generated)
from ._types_generated import Metric

from ._types_generated import BoundaryMultiPolygon, BoundaryPolygon

Boundary = Union[BoundaryPolygon, BoundaryMultiPolygon]
"""A unit's boundary: a GeoJSON ``Polygon`` or ``MultiPolygon`` dict of ``[longitude, latitude]``
positions, in the hierarchy's coordinate system."""

MetricName = Metric
"""A metric to rank or check (``Metric``, under its older name)."""

Document = Union[Mapping[str, Any], str]
"""A JSON document: a dict in the core's shape, or JSON text."""

AuthorityLike = Union["Authority", Mapping[str, Any], str]
"""An authority: a ``wangge.Authority``, a preset's name (``"gbt30428"``, ``"hotline12345"``,
``"legacy_permissive"``), a ``wangge.authority`` document dict or JSON text."""

Row = Dict[str, Any]
"""A flat row (one level of columns)."""


class ArrowStreamLike(Protocol):
    """Anything offering the Arrow PyCapsule interface: a pyarrow Table or RecordBatchReader,
    a polars DataFrame, a :class:`wangge.ArrowStream`."""

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any: ...

BadRows = List[Tuple[int, WanggeError]]
"""Refused rows: ``(1-based row number, exception)``."""

PathArg = Union[str, "os.PathLike[str]"]
"""A file path."""

KeyBytes = Union[bytes, bytearray]
"""An Ed25519 key of 32 bytes: a secret key signs logs, a public key verifies them (hex text
is refused: read it with ``bytes.fromhex``)."""

Packed = Union[List[int], Tuple[int, ...], "array[int]", bytes, Any]
"""Integers for the bulk entry points: a list, or a packed buffer (``array.array``, a NumPy
array, ``bytes``) of the item size the parameter names (keys ``'I'``, times ``'q'``, codes
``'B'``)."""

# No __all__: every public name here (the generated ones included) is exported.
