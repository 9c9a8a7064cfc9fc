from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from . import views

urlpatterns = [
    path("ping", views.ping),
    path("api/session", views.sign_in),
    path("api/me", views.Me.as_view()),
    path("api/jwt", TokenObtainPairView.as_view()),
    path("api/jwt/refresh", TokenRefreshView.as_view()),
]
