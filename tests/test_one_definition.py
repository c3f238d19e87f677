"""One definition per name: record types, special lines, service names and usage-type bases are
spelled in one module each and imported everywhere else (issue 21). A string literal of one of
them anywhere else in the package (docstrings aside) is a second definition waiting to diverge."""

import ast
from pathlib import Path

import costmodel
from costmodel import record_types, service_names
from costmodel.categories import SERVICE_TOTAL_SUFFIX
from costmodel.pricing.catalog import load_snapshot

PACKAGE = Path(costmodel.__file__).parent

# name -> the one module allowed to spell it
OWNERS = {
    **dict.fromkeys((record_types.CREDIT, record_types.REFUND, record_types.TAX), "record_types.py"),
    **{value: "service_names.py" for name, value in vars(service_names).items() if name.startswith("CE_")},
    SERVICE_TOTAL_SUFFIX: "categories.py",
}
# usage-type bases of instance hours and reservation fees: built by costmodel/usage_types.py
BUILT_PREFIXES = ("BoxUsage:", "NodeUsage:", "InstanceUsage:", "Multi-AZUsage:", "HeavyUsage:")
# the category names Credits / Refunds / Tax are Category objects of categories.py
CATEGORY_NAMES = {"Credits", "Refunds", "Tax"}
# AWS Pricing service codes are the catalog's keys; one of them is spelled like a CE service
SERVICE_CODES = set(load_snapshot().rows["service_code"])


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def string_literals():
    """(module path, line, text) of every string constant in the package but docstrings."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                yield path.relative_to(PACKAGE).as_posix(), node.lineno, node.value


def test_each_name_is_spelled_in_its_one_module():
    second = []
    for module, line, text in string_literals():
        owner = OWNERS.get(text)
        if (text in CATEGORY_NAMES and module == "categories.py") or text in SERVICE_CODES:
            continue
        if owner is not None and module != owner:
            second.append(f"{module}:{line} {text!r} (defined in costmodel/{owner})")
        if text in CATEGORY_NAMES and module not in ("categories.py", owner):
            second.append(f"{module}:{line} {text!r} (a category of costmodel/categories.py)")
        if text.startswith(BUILT_PREFIXES) and module != "usage_types.py":
            second.append(f"{module}:{line} {text!r} (built by costmodel/usage_types.py)")
    assert not second, "\n".join(second)


def test_the_check_sees_a_second_spelling(tmp_path):
    # the check itself can fail: a module spelling the EC2 service name is found
    (tmp_path / "copy.py").write_text('SERVICE = "Amazon Elastic Compute Cloud - Compute"\n')
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        found = [(m, t) for m, _, t in string_literals() if OWNERS.get(t) and m != OWNERS[t]]
    finally:
        PACKAGE = saved
    assert found == [("copy.py", "Amazon Elastic Compute Cloud - Compute")]
