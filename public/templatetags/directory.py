from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from affiliates.facets import Option

register = template.Library()


@register.simple_tag
def facet_select(name: str, label: str, options: Iterable[Option]) -> SafeString:
    """A labelled <select> of a facet's options with their counts (when counted).

    Built in Python rather than a template loop: a directory page has about a hundred options
    and this is most of its rendering time.
    """
    rows = format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (
                o.value,
                " selected" if o.selected else "",
                o.label,
                "" if o.count is None else f" ({o.count})",
            )
            for o in options
        ),
    )
    return format_html(
        '<div class="col mb-2"><label class="form-label" for="f-{name}">{label}</label>\n'
        '<select class="form-select" id="f-{name}" name="{name}">'
        '<option value="">{all}</option>{rows}</select></div>\n',
        name=name,
        label=label,
        all=_("All"),
        rows=rows,
    )
