"""Equipment registers: read bodies' spreadsheets as they really send them, resolve makers,
summarise exposure and reconcile registers with survey returns. Pure Python, no Django."""

from custodes.estate._errors import (
    EstateError,
    MappingError,
    Problem,
    RegisterInvalid,
    SpreadsheetError,
    VocabularyError,
)
from custodes.estate._exposure import (
    ExposureCell,
    ExposureSummary,
    KindCount,
    MakerCount,
    summarise,
)
from custodes.estate._mapping import IGNORE, Mapping, load_mapping
from custodes.estate._model import FIELDS, AssetKind, AssetRow, AssetStatus, Connectivity
from custodes.estate._reader import column_letter, estimate_rows, read_cells
from custodes.estate._reconcile import (
    Discrepancy,
    Holding,
    ManufacturerComparison,
    Reconciliation,
    blocks_of,
    reconcile,
)
from custodes.estate._register import Column, RegisterReader
from custodes.estate._resolve import KEV_CONCERN_KIND, KevAssessment, Maker, MakerResolver
from custodes.estate._values import (
    find_date,
    parse_date,
    parse_ip,
    parse_mac,
    parse_quantity,
    parse_yes_no,
    split_quantity,
)
from custodes.estate._vocab import Vocabulary, load_vocabulary, normalise

__all__ = [
    "FIELDS",
    "IGNORE",
    "KEV_CONCERN_KIND",
    "AssetKind",
    "AssetRow",
    "AssetStatus",
    "Column",
    "Connectivity",
    "Discrepancy",
    "EstateError",
    "ExposureCell",
    "ExposureSummary",
    "Holding",
    "KevAssessment",
    "KindCount",
    "Maker",
    "MakerCount",
    "MakerResolver",
    "ManufacturerComparison",
    "Mapping",
    "MappingError",
    "Problem",
    "Reconciliation",
    "RegisterInvalid",
    "RegisterReader",
    "SpreadsheetError",
    "Vocabulary",
    "VocabularyError",
    "blocks_of",
    "column_letter",
    "estimate_rows",
    "find_date",
    "load_mapping",
    "load_vocabulary",
    "normalise",
    "parse_date",
    "parse_ip",
    "parse_mac",
    "parse_quantity",
    "parse_yes_no",
    "read_cells",
    "reconcile",
    "split_quantity",
    "summarise",
]
