"""Tables that print as text and show as HTML in Jupyter: :class:`ModelTable`."""

from __future__ import annotations

__all__ = ["ModelTable"]


class ModelTable(list):
    """A list of table rows (dicts) that prints as a text table and shows as HTML in Jupyter."""

    def __str__(self) -> str:
        columns = list(self[0])
        cells = [[str(row[c]) for c in columns] for row in self]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        rows = [columns, *cells]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in self[0])
        body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row.values()) + "</tr>" for row in self)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
