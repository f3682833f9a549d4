"""Fictional but realistic demo data: the regional networks, sectors and name parts.

Region and country coverage follows the real regional networks closely enough to browse;
every organisation generated from these parts is made up.
"""

from typing import TypedDict


class RegionSpec(TypedDict):
    slug: str
    name: str
    short_name: str
    website: str
    description: str
    countries: list[str]
    weight: int  # share of the demo affiliates
    types: dict[str, int]  # weight of each type of organisation


REGIONS: list[RegionSpec] = [
    {
        "slug": "south-asia",
        "name": "HomeNet South Asia",
        "short_name": "HNSA",
        "website": "https://hnsa.example.org",
        "description": "The regional network of home-based workers' organisations in South Asia.",
        "countries": ["IN", "PK", "BD", "NP", "LK", "AF", "BT", "MV"],
        "weight": 35,
        "types": {
            "self_help_group": 32,
            "union": 25,
            "womens_group": 12,
            "association": 10,
            "producer_company": 9,
            "cooperative": 5,
            "network": 3,
            "fair_trade": 2,
            "other": 2,
        },
    },
    {
        "slug": "south-east-asia",
        "name": "HomeNet South-East Asia",
        "short_name": "HNSEA",
        "website": "https://hnsea.example.org",
        "description": "The regional network of home-based workers in South-East Asia.",
        "countries": ["TH", "ID", "PH", "VN", "KH", "LA", "MM", "MY", "TL"],
        "weight": 20,
        "types": {
            "womens_group": 22,
            "association": 20,
            "cooperative": 18,
            "self_help_group": 15,
            "union": 12,
            "producer_company": 5,
            "network": 4,
            "fair_trade": 2,
            "other": 2,
        },
    },
    {
        "slug": "eastern-europe-central-asia",
        "name": "HomeNet Eastern Europe and Central Asia",
        "short_name": "HNEECA",
        "website": "https://hneeca.example.org",
        "description": "Home-based workers' organisations from the Balkans to Central Asia.",
        "countries": ["AL", "BG", "MK", "MD", "ME", "RS", "TR", "UA", "KG", "TJ", "KZ", "UZ"],
        "weight": 10,
        "types": {
            "association": 35,
            "union": 20,
            "womens_group": 15,
            "cooperative": 15,
            "network": 5,
            "other": 5,
            "fair_trade": 3,
            "producer_company": 2,
        },
    },
    {
        "slug": "latin-america",
        "name": "HomeNet Latin America",
        "short_name": "HNLA",
        "website": "https://hnla.example.org",
        "description": "La red latinoamericana de organizaciones de trabajadoras a domicilio.",
        "countries": [
            "AR",
            "BO",
            "BR",
            "CL",
            "CO",
            "CR",
            "EC",
            "GT",
            "HN",
            "MX",
            "NI",
            "PE",
            "PY",
            "SV",
            "UY",
        ],
        "weight": 20,
        "types": {
            "cooperative": 40,
            "association": 18,
            "union": 14,
            "womens_group": 12,
            "fair_trade": 7,
            "network": 4,
            "producer_company": 2,
            "other": 3,
        },
    },
    {
        "slug": "africa",
        "name": "HomeNet Africa",
        "short_name": "HNA",
        "website": "https://hna.example.org",
        "description": "The network of home-based workers' organisations across Africa.",
        "countries": ["KE", "UG", "TZ", "ZA", "ZW", "ET", "GH", "NG", "SN", "MW", "ZM", "RW"],
        "weight": 15,
        "types": {
            "association": 25,
            "cooperative": 22,
            "self_help_group": 15,
            "womens_group": 15,
            "union": 12,
            "network": 4,
            "fair_trade": 4,
            "other": 3,
        },
    },
]

SECTORS = [
    ("garments", "Garments"),
    ("embroidery", "Embroidery"),
    ("handicrafts", "Handicrafts"),
    ("food-processing", "Food processing"),
    ("incense-sticks", "Incense sticks"),
    ("bidi-rolling", "Bidi rolling"),
    ("footwear", "Footwear"),
    ("assembly-packing", "Assembly and packing"),
    ("weaving", "Weaving"),
    ("beadwork", "Beadwork"),
    ("leather-goods", "Leather goods"),
    ("carpet-weaving", "Carpet weaving"),
    ("jewellery", "Jewellery"),
    ("paper-products", "Paper products"),
    ("agro-processing", "Agricultural processing"),
]

# Sectors most common in each region, by slug.
REGION_SECTORS = {
    "south-asia": [
        "garments",
        "embroidery",
        "incense-sticks",
        "bidi-rolling",
        "food-processing",
        "carpet-weaving",
        "handicrafts",
    ],
    "south-east-asia": [
        "garments",
        "handicrafts",
        "food-processing",
        "weaving",
        "assembly-packing",
        "jewellery",
    ],
    "eastern-europe-central-asia": [
        "garments",
        "embroidery",
        "weaving",
        "footwear",
        "assembly-packing",
        "handicrafts",
    ],
    "latin-america": [
        "garments",
        "weaving",
        "handicrafts",
        "food-processing",
        "footwear",
        "leather-goods",
    ],
    "africa": [
        "beadwork",
        "handicrafts",
        "garments",
        "food-processing",
        "weaving",
        "agro-processing",
        "paper-products",
    ],
}

CITIES = {
    "IN": ["Ahmedabad", "Delhi", "Lucknow", "Kolkata", "Chennai", "Indore", "Surat", "Patna"],
    "PK": ["Lahore", "Karachi", "Faisalabad", "Hyderabad", "Peshawar", "Multan"],
    "BD": ["Dhaka", "Chittagong", "Khulna", "Rajshahi", "Sylhet"],
    "NP": ["Kathmandu", "Lalitpur", "Pokhara", "Biratnagar"],
    "LK": ["Colombo", "Kandy", "Galle", "Jaffna"],
    "AF": ["Kabul", "Herat", "Mazar-i-Sharif"],
    "BT": ["Thimphu", "Paro"],
    "MV": ["Malé", "Addu"],
    "TH": ["Bangkok", "Chiang Mai", "Khon Kaen", "Udon Thani", "Songkhla"],
    "ID": ["Jakarta", "Yogyakarta", "Surabaya", "Medan", "Makassar"],
    "PH": ["Manila", "Cebu", "Davao", "Iloilo", "Baguio"],
    "VN": ["Hanoi", "Ho Chi Minh City", "Hue", "Da Nang"],
    "KH": ["Phnom Penh", "Siem Reap", "Battambang"],
    "LA": ["Vientiane", "Luang Prabang"],
    "MM": ["Yangon", "Mandalay"],
    "MY": ["Kuala Lumpur", "Penang", "Kota Bharu"],
    "TL": ["Dili", "Baucau"],
    "AL": ["Tirana", "Shkodër", "Korçë"],
    "BG": ["Sofia", "Plovdiv", "Haskovo", "Yambol"],
    "MK": ["Skopje", "Štip", "Kočani"],
    "MD": ["Chișinău", "Bălți"],
    "ME": ["Podgorica", "Nikšić"],
    "RS": ["Belgrade", "Niš", "Novi Pazar"],
    "TR": ["Istanbul", "Ankara", "İzmir", "Gaziantep"],
    "UA": ["Kyiv", "Lviv", "Kharkiv", "Odesa"],
    "KG": ["Bishkek", "Osh", "Karakol"],
    "TJ": ["Dushanbe", "Khujand"],
    "KZ": ["Almaty", "Shymkent", "Astana"],
    "UZ": ["Tashkent", "Samarkand", "Bukhara"],
    "AR": ["Buenos Aires", "Córdoba", "Rosario", "Mendoza"],
    "BO": ["La Paz", "El Alto", "Cochabamba", "Sucre"],
    "BR": ["São Paulo", "Recife", "Salvador", "Belo Horizonte", "Fortaleza"],
    "CL": ["Santiago", "Valparaíso", "Temuco"],
    "CO": ["Bogotá", "Medellín", "Cali", "Barranquilla"],
    "CR": ["San José", "Cartago"],
    "EC": ["Quito", "Guayaquil", "Cuenca"],
    "GT": ["Guatemala City", "Quetzaltenango", "Antigua"],
    "HN": ["Tegucigalpa", "San Pedro Sula"],
    "MX": ["Ciudad de México", "Guadalajara", "Oaxaca", "Puebla", "Mérida"],
    "NI": ["Managua", "León", "Masaya"],
    "PE": ["Lima", "Cusco", "Arequipa", "Puno"],
    "PY": ["Asunción", "Encarnación"],
    "SV": ["San Salvador", "Santa Ana"],
    "UY": ["Montevideo", "Salto"],
    "KE": ["Nairobi", "Kisumu", "Mombasa", "Nakuru"],
    "UG": ["Kampala", "Gulu", "Mbarara"],
    "TZ": ["Dar es Salaam", "Arusha", "Mwanza"],
    "ZA": ["Durban", "Johannesburg", "Cape Town", "Pietermaritzburg"],
    "ZW": ["Harare", "Bulawayo"],
    "ET": ["Addis Ababa", "Bahir Dar", "Hawassa"],
    "GH": ["Accra", "Kumasi", "Tamale"],
    "NG": ["Lagos", "Kano", "Ibadan", "Enugu"],
    "SN": ["Dakar", "Thiès", "Saint-Louis"],
    "MW": ["Lilongwe", "Blantyre"],
    "ZM": ["Lusaka", "Ndola"],
    "RW": ["Kigali", "Huye"],
}

# Name patterns by organisation type and language family; {city} and {trade} are filled in.
NAMES_EN = {
    "union": [
        "{city} Home-Based Workers' Union",
        "{trade} Workers' Union of {city}",
        "United Home Workers {city}",
    ],
    "cooperative": ["{city} {trade} Cooperative", "{trade} Producers' Cooperative {city}"],
    "self_help_group": ["{city} Women's Self-Help Group", "Sakhi {trade} Self-Help Group {city}"],
    "womens_group": ["{city} Women Home Workers' Group", "{trade} Women of {city}"],
    "association": ["{city} Home-Based Workers' Association", "{trade} Makers' Association {city}"],
    "producer_company": ["{city} {trade} Producer Company", "Home Crafts Producer Company {city}"],
    "fair_trade": ["{city} Fair Trade {trade}", "Fair Hands {city}"],
    "network": [
        "National Network of Home-Based Workers ({city})",
        "Home Workers' Federation {city}",
    ],
    "other": ["{city} Home Workers' Centre", "{trade} Solidarity {city}"],
}
NAMES_ES = {
    "union": ["Sindicato de Trabajadoras a Domicilio de {city}", "Sindicato de {trade} {city}"],
    "cooperative": ["Cooperativa de Tejedoras de {city}", "Cooperativa {trade} de {city}"],
    "self_help_group": ["Grupo de Ayuda Mutua de {city}"],
    "womens_group": ["Mujeres Artesanas de {city}", "Colectivo de Mujeres de {city}"],
    "association": ["Asociación de Trabajadoras a Domicilio de {city}"],
    "producer_company": ["Empresa Productora {trade} de {city}"],
    "fair_trade": ["Comercio Justo {city}"],
    "network": ["Red Nacional de Trabajadoras a Domicilio ({city})"],
    "other": ["Centro de Trabajadoras de {city}"],
}
NAMES_FR = {
    "union": ["Syndicat des travailleuses à domicile de {city}"],
    "cooperative": ["Coopérative des artisanes de {city}"],
    "self_help_group": ["Groupement d'entraide féminine de {city}"],
    "womens_group": ["Groupement des femmes de {city}"],
    "association": ["Association des travailleuses à domicile de {city}"],
    "producer_company": ["Société de production artisanale de {city}"],
    "fair_trade": ["Commerce équitable {city}"],
    "network": ["Réseau national des travailleuses à domicile ({city})"],
    "other": ["Centre des travailleuses de {city}"],
}
NAMES_PT = {
    "union": ["Sindicato das Trabalhadoras em Domicílio de {city}"],
    "cooperative": ["Cooperativa de Costureiras de {city}"],
    "self_help_group": ["Grupo de Ajuda Mútua de {city}"],
    "womens_group": ["Mulheres Artesãs de {city}"],
    "association": ["Associação das Trabalhadoras em Domicílio de {city}"],
    "producer_company": ["Produtora Artesanal de {city}"],
    "fair_trade": ["Comércio Justo {city}"],
    "network": ["Rede Nacional de Trabalhadoras em Domicílio ({city})"],
    "other": ["Centro das Trabalhadoras de {city}"],
}
# Some organisations are known by a name in their own script.
NATIVE_NAMES = {
    "IN": ["{city} गृह-आधारित महिला कामगार संघ", "सखी महिला समूह {city}"],
    "NP": ["{city} घरेलु श्रमिक महिला समूह"],
    "TH": ["กลุ่มแม่บ้านผู้ผลิต{city}", "สมาคมผู้รับงานไปทำที่บ้าน{city}"],
    "UA": ["Спілка надомних працівниць {city}"],
    "KG": ["Союз надомниц {city}"],
    "KZ": ["Ассоциация надомных работниц {city}"],
    "BG": ["Сдружение на работещите у дома {city}"],
}
NAMES_BY_COUNTRY_LANGUAGE = {
    **dict.fromkeys(
        ["AR", "BO", "CL", "CO", "CR", "EC", "GT", "HN", "MX", "NI", "PE", "PY", "SV", "UY"],
        NAMES_ES,
    ),
    **dict.fromkeys(["SN"], NAMES_FR),
    **dict.fromkeys(["BR"], NAMES_PT),
}
LANGUAGES = {
    "IN": "Hindi, Gujarati",
    "PK": "Urdu, Punjabi",
    "BD": "Bengali",
    "NP": "Nepali",
    "LK": "Sinhala, Tamil",
    "AF": "Dari, Pashto",
    "TH": "Thai",
    "ID": "Indonesian",
    "PH": "Filipino",
    "VN": "Vietnamese",
    "KH": "Khmer",
    "UA": "Ukrainian",
    "KG": "Kyrgyz, Russian",
    "TR": "Turkish",
    "BG": "Bulgarian",
    "BR": "Portuguese",
    "SN": "French, Wolof",
    "KE": "Swahili, English",
    "TZ": "Swahili",
    "ET": "Amharic",
    "ZA": "Zulu, English",
}

STATUS_WEIGHTS = {
    "affiliated": 76,
    "applied": 6,
    "recommended": 5,
    "suspended": 4,
    "withdrawn": 4,
    "rejected": 5,
}
# The steps each final status was reached by, for the lifecycle history.
STATUS_PATHS = {
    "applied": ["applied"],
    "recommended": ["applied", "recommended"],
    "affiliated": ["applied", "recommended", "affiliated"],
    "suspended": ["applied", "recommended", "affiliated", "suspended"],
    "withdrawn": ["applied", "recommended", "affiliated", "withdrawn"],
    "rejected": ["applied", "rejected"],
}

DEMO_PASSWORD = "homenet-demo"
STAFF_USERNAME = "staff"
