from django import template

from affiliates.stats import Chart, Figure

register = template.Library()


@register.filter
def chart_for(figure: Figure, measure: str) -> Chart:
    """The figure's chart of one measure: {% with chart=figure|chart_for:"total" %}."""
    return figure.chart(measure)
