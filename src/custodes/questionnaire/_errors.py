"""Exception hierarchy and respondent-facing field errors for questionnaires."""

from __future__ import annotations

from dataclasses import dataclass

from custodes.datafile import DataFileError
from custodes.datafile import FileProblem as FileProblem  # part of this package's API


class QuestionnaireError(Exception):
    """Base class for every error raised by ``custodes.questionnaire``."""


class QuestionnaireFileError(QuestionnaireError, DataFileError):
    """A questionnaire file cannot be read, parsed or validated.

    ``file``, ``line`` (1-based, ``None`` when unknown), ``field`` (dotted path such as
    ``blocks[0].questions[2].type``, ``None`` for the whole file) and ``message`` describe the
    first problem; ``problems`` holds every problem found, first one included.
    """

    @property
    def file(self) -> str:
        """The file's name as given in the call that loaded it."""
        return self.label


class DefinitionError(QuestionnaireError):
    """A questionnaire definition is inconsistent (duplicate id, dangling reference, ...).

    ``problems`` lists ``(field, message)`` pairs, ``field`` being the dotted path of the
    offending field inside the definition; ``field`` and ``message`` describe the first one.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        if not problems:
            raise ValueError("DefinitionError needs at least one problem")
        self.problems = tuple(problems)
        self.field, self.message = problems[0]
        extra = len(problems) - 1
        suffix = f" (and {extra} more)" if extra else ""
        super().__init__(f"field {self.field}: {self.message}{suffix}")


class UnknownQuestion(QuestionnaireError, KeyError):
    """A question id is not part of the questionnaire."""

    def __init__(self, question_id: str, questionnaire_id: str) -> None:
        self.question_id = question_id
        self.questionnaire_id = questionnaire_id
        super().__init__(question_id)

    def __str__(self) -> str:
        return f"questionnaire {self.questionnaire_id!r} has no question {self.question_id!r}"


class UnknownBlock(QuestionnaireError, KeyError):
    """A block id is not part of the questionnaire."""

    def __init__(self, block_id: str, questionnaire_id: str) -> None:
        self.block_id = block_id
        self.questionnaire_id = questionnaire_id
        super().__init__(block_id)

    def __str__(self) -> str:
        return f"questionnaire {self.questionnaire_id!r} has no block {self.block_id!r}"


class UnknownQuestionnaire(QuestionnaireError, LookupError):
    """No shipped questionnaire has the requested name."""

    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        super().__init__(
            f"no shipped questionnaire named {name!r}; available: {', '.join(available) or 'none'}"
        )


class AnswerError(QuestionnaireError, ValueError):
    """An answer cannot be accepted for a question; ``message`` is written for a respondent."""

    def __init__(self, question_id: str, message: str) -> None:
        self.question_id = question_id
        self.message = message
        super().__init__(f"{question_id}: {message}")


@dataclass(frozen=True)
class FieldError:
    """A problem with one answer in a submission, worded for the respondent (GOV.UK style)."""

    question_id: str
    message: str
