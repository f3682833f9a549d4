import django_filters
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from affiliates.access import regions_coordinated_by
from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate
from affiliates.rules import stale_before
from affiliates.search import COUNT_CAP
from affiliates.search_columns import lower_case
from affiliates.text_queries import staff_search
from regions.models import Region

STALE = "stale"
# A search lists at most this many records in name order (the CSV has them all).
LISTED = COUNT_CAP


class WorkspaceAffiliateFilter(django_filters.FilterSet):
    """Search and filters of the workspace's affiliate list (and of its CSV export)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    # "All", as the directory's filters say, rather than django-filter's dashes.
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("All")
    )
    organisation_type = django_filters.ChoiceFilter(
        choices=OrganisationType.choices, label=_("Type of organisation"), empty_label=_("All")
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(),
        to_field_name="slug",
        label=_("Regional network"),
        empty_label=_("All"),
    )
    # The dashboard and the monthly reminder link here for the whole list of records to confirm.
    details = django_filters.ChoiceFilter(
        choices=[(STALE, _("Not confirmed for more than 12 months"))],
        method="by_details",
        label=_("Details"),
        empty_label=_("All"),
    )

    class Meta:
        model = Affiliate
        fields = ["q", "status", "organisation_type", "region", "details"]

    def __init__(self, *args, user, listed: int | None = None, **kwargs):
        """`listed`: for the list page, which shows at most that many matches of a search
        (affiliates.text_queries.staff_search); the CSV has them all."""
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions_coordinated_by(user)
        self.listed = listed
        # Set by the search: how many records it matched (counted up to `listed` + 1), and
        # whether that is more than the list shows.
        self.matched: int | None = None
        self.more_than_listed = False

    def filter_queryset(self, queryset):
        # The search last, on the records the other filters keep: it lists (and counts) the
        # first matches among them.
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, data.get("q"))

    def by_details(self, queryset, name, value):
        return queryset.stale(stale_before()) if value == STALE else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Words of the name, acronym, city, sectors or description (their start is enough), a
        # reference as people type it (no dashes, O for 0...) or a slug: all indexed.
        # Counted among the first matches the indexes give (a limited subquery), not with a
        # filter on the records: asked for a row or a count, PostgreSQL may read the
        # region's records in table order hoping to meet a match early, all when none does.
        found = staff_search(queryset, value, listed=(self.listed or LISTED) + 1).count()
        if found:
            self.matched = found
            self.more_than_listed = self.listed is not None and found > self.listed
            return staff_search(queryset, value, listed=self.listed)
        # The private contacts are not in the public search text: their own trigram index,
        # searched only when nothing else matches.
        # Lower case as the column has it (hn_lower, not Python's lower()).
        return queryset.filter(contacts_plain__contains=lower_case(Value(value)))
