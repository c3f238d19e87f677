"""The Python API validates at its edges (issue 19): every public function the README shows
refuses a wrong argument with one error type (InputError: a CostModelError and a
ValueError) naming the function, the argument and what was expected, before any work;
nothing deep inside pandas or numpy, and no normal-looking table computed from nonsense.

The misuses are generated: for each function, each numeric argument gets text, NaN, the
infinities, None, a boolean and a negative number; the issue's own cases are listed apart.
"""

import math

import numpy as np
import pandas as pd
import pytest

import costmodel
from costmodel import scaling, whatif
from costmodel.documented import compare as documented_compare
from costmodel.errors import CostModelError, InputError

NAN, INF = float("nan"), float("inf")
BAD_NUMBERS = {
    "text": "5",
    "nan": NAN,
    "inf": INF,
    "-inf": -INF,
    "None": None,
    "bool": True,
    "negative": -1,
}


@pytest.fixture(scope="module")
def arch():
    return costmodel.load_architecture()


# name shown in messages, how to call it, and valid values of its numeric arguments
SIGNATURES = {
    "scaling.eks_nodes": (
        lambda arch, **kw: scaling.eks_nodes(**kw),
        {
            "requests_per_s": 9000,
            "requests_per_pod": 250,
            "pod_cpu": 0.5,
            "pod_memory_gib": 1.0,
            "min_pods": 3,
            "target_utilization": 0.7,
            "min_nodes": 3,
            "max_nodes": 10,
        },
    ),
    "scaling.cost_curve": (
        lambda arch, **kw: scaling.cost_curve(arch, "eks", **kw),
        {"load": [1000.0, 2000.0]},
    ),
    "scaling.project": (lambda arch, **kw: scaling.project(arch, **kw), {"months": 2, "growth": 0.05}),
    "scaling.monte_carlo": (
        lambda arch, **kw: scaling.monte_carlo(arch, **kw),
        {"months": 2, "n": 20, "seed": 0, "max_unknown_share": 0.01},
    ),
    "scaling.tornado": (lambda arch, **kw: scaling.tornado(arch, **kw), {"swing": 0.25}),
    "scaling.Normal": (lambda arch, **kw: scaling.Normal(**kw), {"mean": 0.05, "sd": 0.02}),
    "scaling.Uniform": (lambda arch, **kw: scaling.Uniform(**kw), {"low": 0.0, "high": 0.1}),
    "estimate": (lambda arch, **kw: costmodel.estimate(arch, **kw), {"hours": 730}),
    "whatif.cold_standby": (lambda arch, **kw: whatif.cold_standby(arch, **kw), {"snapshot_copy_gb": 1500.0}),
}
MISUSES = [
    (function, argument, kind)
    for function, (_, valid) in SIGNATURES.items()
    for argument in valid
    for kind in BAD_NUMBERS
]


@pytest.mark.parametrize(("function", "argument", "kind"), MISUSES, ids=["-".join(m) for m in MISUSES])
def test_every_numeric_argument_refuses_what_is_not_a_valid_number(arch, function, argument, kind):
    call, valid = SIGNATURES[function]
    with pytest.raises(InputError) as info:
        call(arch, **(valid | {argument: BAD_NUMBERS[kind]}))
    message = str(info.value)
    assert message.startswith(f"{function}: {argument} must be "), message
    assert isinstance(info.value, ValueError) and isinstance(info.value, CostModelError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        # the issue's cases, each with the words a user reads
        (
            lambda arch: costmodel.estimate("data/architectures/production.yaml"),
            "estimate: arch must be an Architecture, e.g. costmodel.load_architecture('my-arch.yaml'), "
            "got 'data/architectures/production.yaml'",
        ),
        (
            lambda arch: scaling.monte_carlo(arch, months=2, growth=0.05, n=10),
            "scaling.monte_carlo: growth must be a distribution, e.g. scaling.Normal(0.05, 0.02); a fixed "
            "growth of 0.05 a month is scaling.project(arch, growth=0.05) or scaling.Normal(0.05, 0), got 0.05",
        ),
        (lambda arch: scaling.Normal(0.05, -0.02), "scaling.Normal: sd must be a number within 0..0.5"),
        (lambda arch: scaling.Normal(NAN, 0.02), "scaling.Normal: mean must be a number within -0.5..1"),
        (lambda arch: scaling.project(arch, months=3, growth=3.0), "scaling.project: growth must be"),
        (lambda arch: scaling.project(arch, months=3, growth=-3.0), "scaling.project: growth must be"),
        (lambda arch: scaling.project(arch, months=3, growth=-1.5), "got -1.5"),
        (lambda arch: scaling.Uniform(-3.0, 3.0), "scaling.Uniform: low must be"),
        (lambda arch: scaling.Uniform(0.1, 0.0), "scaling.Uniform: high must be at least low (0.1), got 0.0"),
        (
            lambda arch: scaling.eks_nodes(NAN),
            "scaling.eks_nodes: requests_per_s must be a number or an array",
        ),
        (lambda arch: scaling.eks_nodes("9000"), "got '9000'"),
        (lambda arch: scaling.eks_nodes([1000, NAN]), "requests_per_s must be"),
        (
            lambda arch: scaling.eks_nodes(9000, min_nodes=8, max_nodes=4),
            "max_nodes must be a whole number >= 8",
        ),
        (
            lambda arch: scaling.eks_nodes(9000, instance_type="c9.huge"),
            "instance_type: unknown EC2 instance",
        ),
        (lambda arch: scaling.cost_curve(arch, "ec2", [1000]), "service must be one of 'eks', 'rds'"),
        (lambda arch: scaling.cost_curve(arch, "eks", []), "load must be a number or an array"),
        (lambda arch: scaling.project(arch, months=1.5), "months must be a whole number within 1..600"),
        (lambda arch: scaling.project(arch, months=3, start="2026-13"), "start must be a month YYYY-MM"),
        (lambda arch: scaling.monte_carlo(arch, months=2, n=10, percentiles=(150,)), "percentiles must be"),
        (lambda arch: scaling.plot_cost_curve("curve"), "curve must be a DataFrame as scaling.cost_curve()"),
        (lambda arch: scaling.plot_projection_fan(pd.DataFrame({"month": []})), "mc has no column 'p5'"),
        (lambda arch: costmodel.estimate(arch, missing="ignore"), "missing must be one of 'raise', 'report'"),
        (lambda arch: costmodel.estimate(arch, catalog="snapshot.csv"), "catalog must be a PriceCatalog"),
        (lambda arch: costmodel.load_architecture(5), "load_architecture: path must be a file path"),
        (lambda arch: documented_compare("items"), "documented.compare: items must be a DataFrame"),
        (lambda arch: documented_compare(pd.DataFrame({"a": [1]})), "items has no column 'category'"),
        (lambda arch: whatif.compare(arch, ["eks.node_count=5"]), "whatif.compare: changes must be a dict"),
        (lambda arch: whatif.compare(arch, {}), "changes must be at least one change"),
        (lambda arch: whatif.compare("arch", {"eks.node_count": 5}), "whatif.compare: arch must be"),
        (lambda arch: arch.with_changes({5: 1}), "Architecture.with_changes: changes must be a dict"),
        (lambda arch: whatif.cold_standby(arch, standby="dr.yaml"), "whatif.cold_standby: standby must be"),
    ],
)
def test_the_issues_misuses_are_one_clear_error(arch, call, message):
    with pytest.raises(InputError) as info:
        call(arch)
    assert message in str(info.value)


@pytest.mark.parametrize("alias_first", [True, False])
def test_a_setting_and_its_alias_together_are_refused_as_on_the_command_line(arch, alias_first):
    keys = ["eks.node_type", "eks.instance_type"] if alias_first else ["eks.instance_type", "eks.node_type"]
    changes = dict(zip(keys, ["c5.xlarge", "c5.4xlarge"], strict=True))
    with pytest.raises(InputError, match=f"changes: {keys[1]} given twice \\(also as {keys[0]}\\)"):
        whatif.compare(arch, changes)
    with pytest.raises(InputError, match="given twice"):
        arch.with_changes(changes)
    from tests.test_trust import refused

    err = refused("whatif", "--set", f"{keys[0]}=c5.xlarge", "--set", f"{keys[1]}=c5.4xlarge")
    assert f"{keys[1]} given twice (also as --set {keys[0]}); give each key once" in err


def test_a_distribution_reaching_minus_100_percent_a_month_is_refused(arch):
    # Normal(-0.5, 0.5): a sixth of the draws are below -100 % a month (load gone or negative)
    with pytest.raises(InputError, match="draws rates of -100 % a month or less"):
        scaling.monte_carlo(arch, months=2, growth=scaling.Normal(-0.5, 0.5), n=50)


def test_valid_calls_at_the_edges_are_accepted(arch):
    # 9,000 requests/s / 250 per pod = 36 pods; 10 pods a c5.2xlarge node -> 4 nodes
    assert int(scaling.eks_nodes(9000)) == 4
    assert scaling.eks_nodes(np.array([0.0, 9000.0])).tolist() == [3.0, 4.0]  # 3 pods minimum, 3 nodes
    assert int(scaling.eks_nodes(np.int64(9000))) == 4
    frozen = scaling.monte_carlo(arch, months=2, growth=scaling.Normal(0.05, 0), n=5)
    assert math.isclose(frozen["p5"].iloc[1], frozen["p95"].iloc[1])  # no spread: every scenario alike
    assert len(scaling.project(arch, months=2, growth=-0.5)) == 2
