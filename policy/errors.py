"""The one error a policy document can cause."""


class PolicyError(ValueError):
    """A policy document that cannot be read; `path` names the bad element, e.g. `permission[0].action`."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)
