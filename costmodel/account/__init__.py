"""The account: what runs (``discover``) and how it differs from the documented file (``drift``).

Example::

    from costmodel import account
    found = account.discover(profile="prod", region="us-east-1")   # read-only boto3 calls
    print(account.to_yaml(found))                                   # an architecture file
    account.drift(load_architecture(), load_architecture("running.yaml")).differences
"""

from costmodel.account.discovery import Discovery, discover, to_yaml
from costmodel.account.drift_report import Difference, Drift, drift

__all__ = ["Difference", "Discovery", "Drift", "discover", "drift", "to_yaml"]
