"""The security administrator's queue on the workbench (registered in AccountsConfig.ready): accounts
locked out now, passwords due for a change, among the accounts of the own subtree, and the changes
another administrator proposed that wait for this one's approval."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rongjia.core.contributions import WorkbenchContribution, WorkItem

from .approvals import AWAITING_ME, awaiting
from .selectors import accounts_in_state
from .services import managed_users


def account_items(viewer) -> list[WorkItem]:
    users, url = managed_users(viewer), reverse("accounts:user_list")
    return [
        WorkItem("locked", _("Locked accounts"), accounts_in_state(users, "locked").count(), f"{url}?state=locked",
                 "danger"),
        WorkItem("password_due", _("Accounts whose password must be changed"),
                 accounts_in_state(users, "password_due").count(), f"{url}?state=password_due", "warn"),
        WorkItem("awaiting_approval", _("Account changes awaiting your approval"), awaiting(viewer).count(),
                 f"{reverse('accounts:change_list')}?state={AWAITING_ME}", "warn"),
    ]


CONTRIBUTIONS = [WorkbenchContribution(key="accounts", capability="accounts.manage", items=account_items, order=80)]
