"""Questionnaires: survey instruments as validated data, answer parsing and submission checks.

Pure Python (no Django). Load a file with :func:`load_questionnaire` or a shipped instrument
with :func:`load_shipped`; normalise answers with :func:`parse_answer` (text) or
:func:`validate_answer` (JSON values); check a return with :func:`check_submission`.
"""

from ._answers import check_submission, parse_answer, validate_answer
from ._errors import (
    AnswerError,
    DefinitionError,
    FieldError,
    FileProblem,
    QuestionnaireError,
    QuestionnaireFileError,
    UnknownBlock,
    UnknownQuestion,
    UnknownQuestionnaire,
)
from ._loader import SCHEMA, load_questionnaire, load_shipped, parse_questionnaire, shipped_names
from ._schema import (
    LANGUAGES,
    NO,
    UNSURE,
    WELSH,
    YES,
    AnswerType,
    Block,
    Condition,
    FindingSpec,
    NamedConcern,
    Option,
    Predicate,
    Question,
    Questionnaire,
    TextInput,
    is_blank,
)

__all__ = [
    "LANGUAGES",
    "NO",
    "SCHEMA",
    "UNSURE",
    "WELSH",
    "YES",
    "AnswerError",
    "AnswerType",
    "Block",
    "Condition",
    "DefinitionError",
    "FieldError",
    "FileProblem",
    "FindingSpec",
    "NamedConcern",
    "Option",
    "Predicate",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "QuestionnaireFileError",
    "TextInput",
    "UnknownBlock",
    "UnknownQuestion",
    "UnknownQuestionnaire",
    "check_submission",
    "is_blank",
    "load_questionnaire",
    "load_shipped",
    "parse_answer",
    "parse_questionnaire",
    "shipped_names",
    "validate_answer",
]
