import json

from django.contrib.auth import authenticate, login
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


@csrf_exempt
def sign_in(request):
    """JSON sign-in with a session, like latchkey's POST /api/session (which checks Origin instead of a token)."""
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed"}, status=405)
    try:
        body = json.loads(request.body)
        user = authenticate(request, username=body["username"], password=body["password"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid_request"}, status=400)
    if user is None:
        return JsonResponse({"error": "invalid_credentials"}, status=401)
    login(request, user)
    return JsonResponse({"user": {"id": user.id, "username": user.username}})


class Me(APIView):
    def get(self, request):
        user = request.user
        return Response({"id": user.id, "username": user.username, "email": user.email,
                         "is_staff": user.is_staff})
