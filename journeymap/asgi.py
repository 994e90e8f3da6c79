"""ASGI entry point: HTTP through Django, WebSockets through the live layer.

Runs under daphne (`daphne journeymap.asgi:application`, the default) and under uvicorn.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from journeymap.realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": websocket_application,
    }
)

# Everything loaded so far (Django, the apps, the URL conf: ~110,000 objects) lives as long
# as the process. Frozen, the collector never walks it again: a full collection of a
# serving process took 80-120 ms, a stall every socket of the process felt, and takes
# under 1 ms once frozen (docs/benchmarks.md, "Garbage collection").
gc.collect()
gc.freeze()
