"""API authentication: DRF's token, refused to a user who must use two-factor login and has not enrolled."""

from django_otp import user_has_device
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .access import requires_two_factor

REFUSAL_MESSAGE = (
    "Для вашей роли обязательна двухфакторная аутентификация. Подключите её на сайте "
    "(Профиль → Двухфакторная аутентификация) и выпустите новый токен."
)


class TwoFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if requires_two_factor(user) and not user_has_device(user, confirmed=True):
            raise AuthenticationFailed(REFUSAL_MESSAGE)
        return user, token
