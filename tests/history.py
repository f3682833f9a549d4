"""Reading the history the database records (pghistory events), for assertions."""

from audit.history import events_of


def events(obj, **filters) -> list:
    """The record's events, oldest first."""
    model = events_of(type(obj))
    return list(model.objects.filter(pgh_obj_id=obj.pk, **filters).order_by("pgh_id"))


def events_of_model(model, **filters) -> list:
    return list(events_of(model).objects.filter(**filters).order_by("pgh_id"))


def latest(obj):
    return events(obj)[-1]


def user_id(event) -> int | None:
    return (event.pgh_context or {}).get("user")


def reason(event) -> str:
    return (event.pgh_context or {}).get("reason") or ""
