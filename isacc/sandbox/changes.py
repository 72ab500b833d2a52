"""An edit (save.do with `id`) as Accurate takes it: the body's header fields replace the
stored ones, and in every list of lines a line with `id` changes that line, a line with
`id` and `_status: "delete"` removes it, a line without `id` is added; lines the body does
not name stay as they were. Every stored line has an id, as in Accurate's detail.do."""

from isacc.sandbox.storage import Database

# Worked out by the sandbox on every save; an edit's body cannot set them.
COMPUTED = ("totalAmount", "outstanding", "subTotal", "taxAmount", "tax1Amount",
            "totalExpense", "detailTax", "lastUpdate", "stock", "returnAmount", "creditAmount")


def _is_lines(value) -> bool:
    return isinstance(value, list) and all(isinstance(line, dict) for line in value)


def number_lines(db: Database, record: dict) -> None:
    """Give every line of the record (and lines nested in lines) an id of its own."""
    for value in record.values():
        if _is_lines(value) and value:
            for line in value:
                line.pop("_status", None)
                if not line.get("id"):
                    line["id"] = db.next_number("line")
                number_lines(db, line)


def merge(stored: dict, body: dict) -> tuple[dict, list[str]]:
    """The document as the edit leaves it, and what is wrong with the edit's lines."""
    merged, problems = dict(stored), []
    for field, value in body.items():
        if field in COMPUTED:
            continue
        if _is_lines(value) and _is_lines(stored.get(field, [])):
            lines, line_problems = _merge_lines(stored.get(field) or [], value)
            merged[field] = lines
            problems += line_problems
        else:
            merged[field] = value
    return merged, problems


def _merge_lines(stored: list[dict], body: list[dict]) -> tuple[list[dict], list[str]]:
    lines = [dict(line) for line in stored]
    problems = []
    for line in body:
        if not line.get("id"):
            if line.get("_status") == "delete":
                problems.append('Rincian yang dihapus harus menyebut id')
                continue
            lines.append(dict(line))
            continue
        position = next((n for n, old in enumerate(lines)
                         if str(old.get("id")) == str(line["id"])), None)
        if position is None:
            problems.append(f'Rincian dengan id {line["id"]} tidak ditemukan')
        elif line.get("_status") == "delete":
            del lines[position]
        else:
            changed = dict(lines[position])
            for key, value in line.items():
                if _is_lines(value) and _is_lines(changed.get(key, [])):
                    value, nested = _merge_lines(changed.get(key) or [], value)
                    problems += nested
                changed[key] = value
            changed["id"] = lines[position]["id"]
            lines[position] = changed
    return lines, problems
