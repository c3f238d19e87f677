"""The costmodel command: the cost of one AWS microservice, priced, reconciled and reported.

:func:`main` is the console script. The package is split along its jobs: :mod:`.parser`
(the wiring), the commands by domain (:mod:`.model`, :mod:`.bill`, :mod:`.prices`,
:mod:`.finance`, :mod:`.budget`, :mod:`.anomalies`, :mod:`.lineitems`, :mod:`.account`),
:mod:`.render` (text for a person) and :mod:`.contract` (the JSON shapes of DESIGN.md).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from costmodel.errors import CostModelError
from costmodel.loading import INTERRUPTED, ctrl_c_ends_at_once


def expected_failure(exc: BaseException) -> str | None:
    """The one line a user sees for an expected failure, or None for a bug (a traceback).

    Expected: costmodel's own errors, files that cannot be read or written, text that is
    not UTF-8, YAML errors, and AWS errors (unknown profile, no credentials, API errors).
    Credentials never appear: botocore's messages name the profile, not its keys.
    """
    import yaml
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(exc, CostModelError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot use{where}: {exc.strerror or exc}"
    if isinstance(exc, yaml.YAMLError):
        return f"not valid YAML: {' '.join(str(exc).split())}"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"AWS error {error.get('Code', '')}: {error.get('Message', '')}".strip()
    if isinstance(exc, BotoCoreError):
        return f"AWS: {exc}"
    return None


def interrupted() -> int:
    """Ctrl-C: one line saying what was written (nothing, or which files), exit 130."""
    from costmodel.files import WRITTEN

    done = (
        "nothing was written"
        if not WRITTEN
        else f"{len(WRITTEN)} file(s) had been written, the last {WRITTEN[-1]}; nothing else was"
    )
    print(f"costmodel: interrupted, {done}", file=sys.stderr)
    return INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``costmodel`` console script.

    Exit status (DESIGN.md): 0 done, 1 a check the user asked for failed, 2 bad input or an
    expected failure, with one line on stderr; 130 interrupted (Ctrl-C), with one line.
    ``--debug`` shows the traceback as well.
    """
    from costmodel.cli.parser import build_parser
    from costmodel.files import CREATED_FOLDERS, WRITTEN, remove_empty_created_folders

    WRITTEN.clear()
    CREATED_FOLDERS.clear()
    debug = False
    try:
        args = build_parser().parse_args(argv)  # --help and --version end here, before pandas loads
        debug = args.debug
        with ctrl_c_ends_at_once(debug):  # pandas and the command's modules load
            import pandas as pd

            run = args.func.load()
        pd.set_option("display.width", 250)
        code = run(args)
        for note in getattr(args, "line_item_notes", ()):  # what reading line items found
            print(f"costmodel: note: {note}", file=sys.stderr)
    except KeyboardInterrupt:
        remove_empty_created_folders()  # an --out folder made for a file never written
        if debug:
            raise
        return interrupted()
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except Exception as exc:
        remove_empty_created_folders()
        message = expected_failure(exc)
        if message is None or debug:
            raise
        print(f"costmodel: error: {' '.join(message.split())}", file=sys.stderr)
        return 2
    return int(code or 0)
