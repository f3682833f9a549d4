"""How the OpenAPI description names the token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token hn_...`: make one on the site at /accounts/tokens/ (signed in). "
                "Shown once; it expires after the time chosen."
            ),
        }
