from django.urls import path

from . import trash

urlpatterns = [
    path("trash/", trash.TrashListView.as_view(), name="trash-list"),
    path(
        "trash/<str:kind>/<uuid:item_id>/restore/",
        trash.TrashRestoreView.as_view(),
        name="trash-restore",
    ),
    path("trash/<str:kind>/<uuid:item_id>/", trash.TrashItemView.as_view(), name="trash-item"),
]
