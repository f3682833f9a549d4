import pytest
from django.core.cache import cache

from tests.factories import SectorFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_of_size(size: int) -> bytes:
    body = PDF[:-6]
    return body + b"0" * (size - len(body) - 6) + b"%%EOF\n"


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    # Rate-limit counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sector(db):
    return SectorFactory(name="Embroidery", slug="embroidery")


@pytest.fixture
def application(south_asia, sector):
    """What an applicant from India sends: every required answer, valid."""
    return {
        "name": "Lucknow Chikan Embroiderers' Union",
        "acronym": "LCEU",
        "country": "IN",
        "city": "Lucknow",
        "organisation_type": "union",
        "worker_categories": ["piece_rate"],
        "sectors": [str(sector.pk)],
        "founded_year": "2004",
        "description": "Chikan embroiderers organised in a trade union since 2004.",
        "members_women": "1800",
        "members_men": "12",
        "contact_name": "Rukhsana Begum",
        "contact_role": "Secretary",
        "contact_email": "rukhsana@example.org",
        "contact_phone": "+91 555 0100",
        "declaration": "on",
    }
