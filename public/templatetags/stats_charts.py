from django import template

register = template.Library()


@register.filter
def chart_for(figure, measure: str):
    """The figure's chart of one measure: {% with chart=figure|chart_for:"total" %}."""
    return figure.chart(measure)
