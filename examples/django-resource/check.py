"""Runs a DRF view behind LatchkeyJWTAuthentication against a running latchkey; prints what each request got.

    python3 check.py JWKS_URL TOKEN
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="example",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": ["latchkey_drf.LatchkeyJWTAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "UNAUTHENTICATED_USER": None,
    },
    LATCHKEY={"JWKS_URL": sys.argv[1], "ISSUER": "latchkey", "AUDIENCE": "latchkey"},
)
django.setup()

from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.test import APIClient


@api_view(["GET"])
def whoami(request):
    return Response({"id": request.user.id, "groups": request.user.groups, "editor": request.user.in_group("editors")})


urlpatterns = [path("whoami", whoami)]

client = APIClient()
token = sys.argv[2]
tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
results = {}
for name, header in [("valid", "Bearer " + token), ("tampered", "Bearer " + tampered), ("none", None),
                     ("garbage", "Bearer not.a.jwt")]:
    response = client.get("/whoami", HTTP_AUTHORIZATION=header) if header else client.get("/whoami")
    results[name] = {"status": response.status_code, "body": response.json()}
print(json.dumps(results))
