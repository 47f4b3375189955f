"""structconv: convert structured data between JSON, YAML, TOML, XML and CSV, exactly.

>>> from structconv import convert
>>> convert('{"a": 1}', to="yaml").text
'a: 1\\n'
"""

from structconv.api import convert, convert_file
from structconv.edit import Edit, EditRefused, PathNotFound, delete, get, search, set_value
from structconv.errors import (
    AmbiguousInput,
    InputChanged,
    ModelUnavailable,
    ParseError,
    RepairRejected,
    RoundTripError,
    StructconvError,
    UnrepresentableError,
    UsageError,
)
from structconv.formats import FORMATS
from structconv.formats.detect import detect_format
from structconv.options import Options
from structconv.result import Ambiguity, Candidate, Fix, Result

__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "Ambiguity",
    "AmbiguousInput",
    "Candidate",
    "Edit",
    "EditRefused",
    "Fix",
    "InputChanged",
    "ModelUnavailable",
    "Options",
    "ParseError",
    "PathNotFound",
    "RepairRejected",
    "Result",
    "RoundTripError",
    "StructconvError",
    "UnrepresentableError",
    "UsageError",
    "__version__",
    "convert",
    "convert_file",
    "delete",
    "detect_format",
    "get",
    "search",
    "set_value",
]
