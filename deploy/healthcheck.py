"""Docker HEALTHCHECK: exit 0 when this container's /healthz answers 200, 1 otherwise (no curl in the image)."""
import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('EPORTFX_PORT', '8000')}/healthz"
try:
    with urllib.request.urlopen(url, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:  # refused, timed out, or an HTTP error status (503)
    sys.exit(1)
