"""OAuth errors Authlib does not define."""

from authlib.oauth2.rfc6749 import OAuth2Error


class InvalidTargetError(OAuth2Error):
    """RFC 8707: the requested resource is not one this node serves."""

    error = "invalid_target"
    status_code = 400


class IntrospectionForbiddenError(OAuth2Error):
    """RFC 7662 lets only protected resources introspect; other clients are refused."""

    error = "unauthorized_client"
    status_code = 403
    description = "only clients registered as resource servers may introspect tokens"
