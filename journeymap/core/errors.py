from __future__ import annotations

from typing import Literal

RejectCode = Literal["invalid", "not_found", "forbidden", "conflict"]


class OpRejected(Exception):
    """A batch was refused; nothing it contained was applied.

    `index` is the position of the offending op in the batch and `field` the field it named,
    so that both a person and a client can tell what to fix.
    """

    def __init__(
        self,
        code: RejectCode,
        detail: str,
        *,
        index: int | None = None,
        field: str | None = None,
    ) -> None:
        self.code: RejectCode = code
        self.index = index
        self.field = field
        where = ""
        if index is not None:
            where = f"ops[{index}]"
            if field:
                where += f".fields.{field}"
            where += ": "
        self.detail = f"{where}{detail}"
        super().__init__(self.detail)

    def at(self, index: int) -> OpRejected:
        if self.index is not None:
            return self
        return OpRejected(self.code, self.detail, index=index, field=self.field)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "detail": self.detail, "index": self.index, "field": self.field}
