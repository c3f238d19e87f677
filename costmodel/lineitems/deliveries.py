"""Two files of one export that hold the same line items: one billing period delivered twice
(a legacy CUR update whose line item ids were regenerated, a FOCUS file copied beside
itself), whatever the files are named. Read together they would count that money twice.

The line items are compared by content, not by id (ids are regenerated between deliveries):
account, product, usage type, operation, resource, line item type, time interval, cost and
usage. Only a sample is compared on a large export, chosen by the hash of that content, so
that a line item sampled in one file is sampled in every file holding it.

Files in AWS's own folder layout are not compared by content (AWS keeps one delivery per
billing period folder, and the parts of one delivery never repeat each other); a file copied
beside the parts (``part-00001 (1).parquet``) is found there by its bytes, which costs no
scan of the line items.
"""

from __future__ import annotations

from pathlib import Path

from costmodel.errors import InputError
from costmodel.lineitems.source import Source, _period_and_version

# the content a line item is compared by (canonical columns)
CONTENT = (
    "account_id, product_code, usage_type, operation, resource_id, line_item_type, "
    "usage_start, usage_end, unblended_cost, usage_amount"
)
# a file pair is one delivery twice when at least this share of the smaller file's line
# items (distinct contents) is in the other: parts of one delivery share almost none
SHARED_SHARE = 0.5
# about how many bytes of export one sampled line item stands for [bytes]
BYTES_PER_SAMPLE = 8 << 20

QUERY = """
, contents AS (
  SELECT file, hash({content}) AS h FROM li
), sampled AS (
  SELECT DISTINCT file, h FROM contents WHERE h % {modulus} = 0
), per_file AS (
  SELECT file, COUNT(*) AS distinct_items FROM sampled GROUP BY 1
), shared AS (
  SELECT a.file AS first, b.file AS second, COUNT(*) AS common
  FROM sampled a JOIN sampled b ON a.h = b.h AND a.file < b.file GROUP BY 1, 2
)
SELECT first, second, common, f.distinct_items AS first_items, s.distinct_items AS second_items
FROM shared JOIN per_file f ON f.file = first JOIN per_file s ON s.file = second
ORDER BY common DESC"""


def refuse_repeated_deliveries(
    source: Source, given: list[Path], files: list[Path], names: dict[str, str]
) -> None:
    """Refuse ``source`` when two of its ``files`` hold the same line items, naming both;
    ``names`` maps a file as read (an unpacked ZIP member) to the file given. Files all in
    AWS's own folder layout (a billing period's folder, a delivery's folder under it) are
    compared by their bytes only: :func:`~costmodel.lineitems.source.one_delivery_per_period`
    keeps one delivery per period there, and the parts of one delivery never repeat each other."""
    if len(files) < 2 or source.engine != "duckdb":
        return
    if all(_period_and_version(f) is not None for f in given):
        _refuse_copied_files(given)
        return
    from costmodel.lineitems.duck import execute
    from costmodel.lineitems.queries import canonical_cte

    size = sum(f.stat().st_size for f in files if f.exists())
    modulus = 1 + size // BYTES_PER_SAMPLE
    sql = canonical_cte(source, {"file": "filename"}) + QUERY.format(content=CONTENT, modulus=modulus)
    import duckdb

    try:
        found = execute(sql)
    except duckdb.Error as exc:
        raise InputError(
            f"{source.origin}: the line items cannot be read ({' '.join(str(exc).split())[:300]})"
        ) from None
    for row in found.itertuples():
        smaller = min(row.first_items, row.second_items)
        if smaller and row.common >= SHARED_SHARE * smaller:
            first, second = (names.get(str(f), str(f)) for f in (row.first, row.second))
            raise InputError(
                f"{first} and {second} hold the same line items ({int(row.common):,} of "
                f"{int(smaller):,} compared: the same account, resource, usage type, hour and cost, "
                "whatever their ids): one billing period delivered twice, or a file copied? "
                "Reading both would count that money twice: give one of them (where a CUR "
                "folder holds two deliveries of a period, --assembly FOLDER chooses one)"
            )


def _refuse_copied_files(files: list[Path]) -> None:
    """Refuse two files of the same bytes (one copied beside the other), naming both: only
    files of the same size are read, to compare their SHA-256."""
    import hashlib

    by_size: dict[int, list[Path]] = {}
    for f in dict.fromkeys(files):
        by_size.setdefault(f.stat().st_size, []).append(f)
    for same_size in (fs for fs in by_size.values() if len(fs) > 1):
        seen: dict[str, Path] = {}
        for f in same_size:
            with f.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            if digest in seen:
                raise InputError(
                    f"{seen[digest]} and {f} are the same file (the same bytes): a file copied beside "
                    "the export's own? Reading both would count that money twice: remove the copy"
                )
            seen[digest] = f


__all__ = ["refuse_repeated_deliveries"]
