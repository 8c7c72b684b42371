"""A jurisdiction's payment policy: the nearest one that has set it, else the defaults."""

from rongjia.core.scoping import ancestor_prefixes

from .models import Policy


def policy_for(code: str) -> Policy:
    """The policy that bears on a region code or prefix (the nearest jurisdiction's), else the defaults."""
    policies = {policy.jurisdiction_code: policy for policy in
                Policy.objects.filter(jurisdiction_code__in=ancestor_prefixes(code))}
    return next((policies[prefix] for prefix in reversed(ancestor_prefixes(code)) if prefix in policies), Policy())
