from django.urls import path
from rest_framework.routers import SimpleRouter

from . import auth, views

router = SimpleRouter()
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")

urlpatterns = [
    path("auth/login/", auth.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", auth.LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/password/", auth.PasswordChangeView.as_view(), name="auth-password"),
    path("auth/me/", auth.MeView.as_view(), name="auth-me"),
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    *router.urls,
]
