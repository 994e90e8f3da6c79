from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("personas", views.PersonaViewSet, basename="persona")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("features", views.FeatureViewSet, basename="feature")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = router.urls
