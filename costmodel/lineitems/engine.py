"""Running line-item queries: DuckDB in process (the default), or Amazon Athena for an
organisation's CUR 2.0 table, through boto3. Both return the aggregated rows as a DataFrame.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from costmodel.errors import CostModelError, InputError
from costmodel.lineitems.duck import execute
from costmodel.lineitems.queries import render
from costmodel.lineitems.schema import detect
from costmodel.lineitems.source import Source


def run(
    source: Source,
    name: str,
    athena: Athena | None = None,
    extra: dict[str, str] | None = None,
    month: str | None = None,
    **parameters: str,
) -> pd.DataFrame:
    """The result of query ``name`` on ``source`` (see :mod:`costmodel.lineitems.queries`);
    ``month``: the one month it reads (an Athena table's other partitions are skipped)."""
    sql = render(name, source, extra, month, **parameters)
    if source.engine == "athena":
        if athena is None:
            raise ValueError("an Athena source needs its Athena connection")
        return athena.query(sql)
    import duckdb

    try:
        return execute(sql)
    except duckdb.Error as exc:
        raise InputError(
            f"{source.origin}: the line items cannot be read ({' '.join(str(exc).split())[:300]})"
        ) from None


# Athena result types -> pandas; everything else stays text
_NUMERIC = {"double", "float", "real", "bigint", "integer", "int", "smallint", "tinyint", "decimal"}


def _athena_client(profile: str | None, region: str | None) -> Any:
    """A boto3 Athena client with standard retries; a missing region is said in our words."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    try:
        return session.client("athena", region_name=region, config=Config(retries={"mode": "standard"}))
    except NoRegionError:
        raise InputError(
            "Athena needs a region: pass --athena-region REGION (region= in Python), or set one in "
            "the AWS profile or AWS_REGION"
        ) from None


class Athena:
    """Queries on Amazon Athena: ``start_query_execution``, polling, paginated results.

    Parameters
    ----------
    table : str
        ``DATABASE.TABLE`` of the CUR 2.0 (or FOCUS) table.
    output : str
        ``s3://bucket/prefix/`` for query results (Athena's ``OutputLocation``).
    workgroup : str, optional
    client : botocore client, optional
        An ``athena`` client (tests pass one for moto's server on 127.0.0.1).
    """

    def __init__(
        self,
        table: str,
        output: str,
        workgroup: str | None = None,
        profile: str | None = None,
        region: str | None = None,
        client: Any = None,
        poll_seconds: float = 1.0,
        timeout_seconds: float = 900.0,
    ) -> None:
        database, sep, name = table.partition(".")
        if (
            not sep
            or not database
            or not name
            or not all(p.replace("_", "").isalnum() for p in (database, name))
        ):
            raise InputError(f"--athena {table!r}: expected DATABASE.TABLE (letters, digits and _)")
        if not output.startswith("s3://"):
            raise InputError(f"--athena-output {output!r}: expected an S3 location, s3://bucket/prefix/")
        self.database, self.table, self.output, self.workgroup = database, name, output, workgroup
        self.poll_seconds, self.timeout_seconds = poll_seconds, timeout_seconds
        self.client = client if client is not None else _athena_client(profile, region)
        self.queries: list[str] = []  # the SQL sent, in order (what a reviewer audits)

    def source(self, expected: str | None = None) -> Source:
        """The table as a :class:`Source`: its columns from an empty result (``LIMIT 0``)."""
        relation = f'"{self.database}"."{self.table}"'
        columns, types = self._columns(f"SELECT * FROM {relation} LIMIT 0")
        origin = f"Athena table {self.database}.{self.table}"
        return Source(
            relation, tuple(columns), types, detect(columns, origin, expected), origin, engine="athena"
        )

    def _columns(self, sql: str) -> tuple[list[str], dict[str, str]]:
        metadata = self._results(self._execute(sql))[0]
        return [c["Name"] for c in metadata], {c["Name"]: c.get("Type", "varchar").upper() for c in metadata}

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` and return its rows, typed from Athena's column metadata."""
        metadata, rows = self._results(self._execute(sql))
        names = [c["Name"] for c in metadata]
        if rows and [cell.get("VarCharValue") for cell in rows[0]["Data"]] == names:
            rows = rows[1:]  # a SELECT's first row repeats the column names
        frame = pd.DataFrame([[cell.get("VarCharValue") for cell in r["Data"]] for r in rows], columns=names)
        for column in metadata:
            if column.get("Type", "").lower() in _NUMERIC:
                try:
                    frame[column["Name"]] = pd.to_numeric(frame[column["Name"]], errors="raise")
                except ValueError as exc:
                    raise CostModelError(
                        f"Athena returned a non-number in numeric column {column['Name']}: {exc}"
                    ) from None
        return frame

    def _execute(self, sql: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        self.queries.append(sql)
        request: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": self.database},
            "ResultConfiguration": {"OutputLocation": self.output},
        }
        if self.workgroup:
            request["WorkGroup"] = self.workgroup
        try:
            execution = self.client.start_query_execution(**request)["QueryExecutionId"]
            return self._wait(execution)
        except (ClientError, BotoCoreError) as exc:
            raise CostModelError(f"Athena: {exc}") from None

    def _wait(self, execution: str) -> str:
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            status = self.client.get_query_execution(QueryExecutionId=execution)["QueryExecution"]["Status"]
            state = status["State"]
            if state == "SUCCEEDED":
                return execution
            if state in ("FAILED", "CANCELLED"):
                raise CostModelError(
                    f"Athena query {execution} {state}: {status.get('StateChangeReason', '')}"
                )
            if time.monotonic() > deadline:
                raise CostModelError(
                    f"Athena query {execution} still {state} after {self.timeout_seconds:.0f} s"
                )
            time.sleep(self.poll_seconds)

    def _results(self, execution: str) -> tuple[list[dict], list[dict]]:
        metadata: list[dict] = []
        rows: list[dict] = []
        token = None
        while True:
            kwargs = {"QueryExecutionId": execution} | ({"NextToken": token} if token else {})
            page = self.client.get_query_results(**kwargs)
            metadata = metadata or page["ResultSet"].get("ResultSetMetadata", {}).get("ColumnInfo", [])
            rows += page["ResultSet"].get("Rows", [])
            token = page.get("NextToken")
            if not token:
                return metadata, rows


__all__ = ["Athena", "run"]
