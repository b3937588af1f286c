"""The two ways a query can fail: a refusal of the query, or a table that cannot be read."""


class QueryError(ValueError):
    """A refused query; `field` names the bad part, e.g. `aggregates[1].column` or `filters[0].op`."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)


class SourceError(RuntimeError):
    """The file could not be opened or queried (missing, malformed, out of memory): the provider's problem."""
