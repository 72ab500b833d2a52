"""A check that found problems in what a person typed: each named at its form field."""


class FieldErrors(ValueError):
    """Field -> message, for the form; str() joins them (one line for the command line)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
