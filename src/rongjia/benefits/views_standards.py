"""The items and standards pages: what is paid and to whom, the dated standard tables that set the amounts (the
nation's, and the province's or county's that bear on the viewer), a new table, a table's amounts a year and a
month, and the jurisdiction's payment policy.

Tables are read through `StandardTable.objects.visible_to` (those of the viewer's jurisdiction, above it and inside
it). National tables are reference data, kept by the system administrator, who holds no business scope: that
administrator reads and enters the national ones only. Every write goes through `services.py`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from rongjia.core.decorators import capability_required
from rongjia.core.models import Region
from rongjia.core.regions import pad_code
from rongjia.core.scoping import scope_prefix
from rongjia.people.models import Category
from rongjia.people.reference import DISABILITY_CAUSE_CHOICES

from . import services
from .forms_standards import PolicyForm, RateFormSet, TableForm
from .models import BenefitItem, Policy, Residence, StandardTable
from .policies import policy_for

VIEW, STANDARDS, REFERENCE = "benefits.view", "benefits.standards", "reference.manage"
CENT = Decimal("0.01")


# --- reads -----------------------------------------------------------------------------------------------------

def tables_for(user):
    """The tables the viewer reads: those bearing on the scope; the system administrator's are the national ones."""
    tables = StandardTable.objects.visible_to(user)
    if user.can(REFERENCE):
        tables = tables | StandardTable.objects.filter(jurisdiction_code="")
    return tables


def jurisdiction_names(codes) -> dict[str, str]:
    """Each jurisdiction code's name, from the region of its padded code; "" is the nation."""
    padded = {pad_code(code): code for code in codes if code}
    found = dict(Region.objects.filter(code__in=padded).values_list("code", "name"))
    names = {code: found.get(full, code) for full, code in padded.items()}
    return {**names, "": pgettext("jurisdiction", "Nationwide")}


def who_qualifies(item: BenefitItem) -> str:
    """The item's conditions in words: categories, grades, causes, residence and age."""
    causes = dict(DISABILITY_CAUSE_CHOICES)
    parts = ["、".join(category.name for category in item.categories.all()) or _("any category")]
    low, high = item.grade_min, item.grade_max
    if low or high:
        parts.append(_("disability grade %(from)d to %(to)d") % {"from": low or 1, "to": high or 10})
    if item.causes:
        parts.append("、".join(str(causes.get(cause, cause)) for cause in item.causes))
    if item.residence:
        parts.append(str(Residence(item.residence).label))
    if item.min_age:
        parts.append(_("from age %(age)d") % {"age": item.min_age})
    return "; ".join(parts)


def _category_choices() -> list[tuple[int, str]]:
    return list(Category.objects.filter(active=True).values_list("pk", "name"))


def _jurisdiction(user) -> str | None:
    """The jurisdiction a new table is for: the nation for the system administrator, else the viewer's own."""
    return "" if user.can(REFERENCE) else scope_prefix(user)


# --- pages -----------------------------------------------------------------------------------------------------

@capability_required(VIEW, STANDARDS, REFERENCE)
def standards(request):
    """Every item with the tables of each that bear on the viewer, and the policy in force for the viewer's area."""
    user = request.user
    tables = list(tables_for(user).select_related("item").annotate(rate_count=Count("rates"))
                  .order_by("item", "jurisdiction_code", "kind", "-effective_from"))
    names = jurisdiction_names({table.jurisdiction_code for table in tables})
    by_item: dict[int, list] = {}
    for table in tables:
        table.jurisdiction_name = names[table.jurisdiction_code]
        by_item.setdefault(table.item_id, []).append(table)
    items = [{"item": item, "who": who_qualifies(item), "tables": by_item.get(item.pk, [])}
             for item in BenefitItem.objects.prefetch_related("categories")]
    prefix = scope_prefix(user)
    policy = policy_for(prefix) if prefix is not None else None
    return render(request, "benefits/standards.html", {
        "items": items, "policy": policy, "may_edit": user.can(STANDARDS),
        "policy_from": jurisdiction_names([policy.jurisdiction_code])[policy.jurisdiction_code]
        if policy is not None and policy.pk else None,
        "may_add": user.can(STANDARDS) or user.can(REFERENCE)})


@capability_required(STANDARDS, REFERENCE)
def standard_table_new(request):
    """A table of amounts for the viewer's jurisdiction; overlapping dates or a bad line are refused whole."""
    user, jurisdiction = request.user, _jurisdiction(request.user)
    categories = _category_choices()
    form = TableForm(request.POST or None, categories=categories)
    rates = RateFormSet(request.POST or None, prefix="rate", form_kwargs={"categories": categories})
    if request.method == "POST" and all([form.is_valid(), rates.is_valid()]):
        data = form.cleaned_data
        try:
            table = services.standard_table_create(
                actor=user, item=data["item"], jurisdiction_code=jurisdiction, kind=data["kind"], title=data["title"],
                effective_from=data["effective_from"], effective_until=data["effective_until"],
                document=data["document"], rates=rates.rates() + data["paste"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Standard table saved: the next batch recomputes from its start."))
            return redirect("benefits:standard_table_detail", pk=table.pk)
    return render(request, "benefits/standard_table_new.html", {
        "form": form, "rates": rates,
        "jurisdiction_name": jurisdiction_names([jurisdiction or ""]).get(jurisdiction or "", "")})


@capability_required(VIEW, STANDARDS, REFERENCE)
def standard_table_detail(request, pk):
    """A table's amounts, a year and a month (a twelfth, rounded half up to the fen)."""
    table = tables_for(request.user).select_related("item", "created_by").filter(pk=pk).first()
    if table is None:
        raise Http404
    recurring = table.item.recurring
    rates = list(table.rates.select_related("category"))
    for rate in rates:
        rate.monthly = (rate.amount / 12).quantize(CENT, rounding=ROUND_HALF_UP) if recurring else None
    return render(request, "benefits/standard_table_detail.html", {
        "table": table, "rates": rates, "recurring": recurring,
        "jurisdiction_name": jurisdiction_names([table.jurisdiction_code])[table.jurisdiction_code],
        "count": ngettext("%(n)d amount", "%(n)d amounts", len(rates)) % {"n": len(rates)}})


@capability_required(STANDARDS)
def policy(request):
    """The viewer's own jurisdiction's payment policy; until it sets one, the form starts from the one in force."""
    user, prefix = request.user, scope_prefix(request.user)
    if prefix is None:
        raise Http404
    own = Policy.objects.visible_to(user).filter(jurisdiction_code=prefix).first()
    current = own or policy_for(prefix)
    form = PolicyForm(request.POST or None, initial={
        "certification_months": current.certification_months, "grace_days": current.grace_days,
        "change_threshold": current.change_threshold, "version": own.version if own else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form.ran(lambda: services.policy_set(actor=user, certification_months=data["certification_months"],
                                                grace_days=data["grace_days"],
                                                change_threshold=data["change_threshold"], version=data["version"])):
            messages.success(request, _("Payment policy saved."))
            return redirect("benefits:standards")
    names = jurisdiction_names([prefix, current.jurisdiction_code])
    return render(request, "benefits/policy_form.html", {
        "form": form, "jurisdiction_name": names[prefix], "own": own,
        "inherited_from": names.get(current.jurisdiction_code) if not own and current.pk else None})
