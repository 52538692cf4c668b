"""The running server: XSRF protection on, the upload limit reaching the app."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.request

import pytest

from .e2e_support import goto

pytestmark = pytest.mark.e2e


def _put(url: str, headers: dict[str, str], opener) -> int:
    req = urllib.request.Request(url, data=b"--x--\r\n", method="PUT", headers=headers)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_upload_without_xsrf_token_is_refused(server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(server.url + "/_stcore/health", timeout=10).read()  # sets the _streamlit_xsrf cookie
    token = next((c.value for c in jar if c.name == "_streamlit_xsrf"), None)
    assert token, "the server sets no XSRF cookie: XSRF protection is off"
    url = server.url + "/_stcore/upload_file/no-such-session/f1"
    ctype = {"Content-Type": "multipart/form-data; boundary=x"}
    # no token: refused by the XSRF check
    assert _put(url, ctype, opener) == 403
    # with the token the request passes the XSRF check (and fails later on the session)
    assert _put(url, {**ctype, "X-Xsrftoken": token}, opener) not in (403,)


def test_upload_limit_reaches_the_app(page, server):
    p = page.page
    goto(p, f"{server.url}/data?lang=en")
    zones = p.query_selector_all('[data-testid="stFileUploaderDropzoneInstructions"]')
    assert zones, "the data page shows no file uploader"
    text = " ".join(z.inner_text() for z in zones)
    assert "1GB" in text.replace(" ", "") or "1024MB" in text.replace(" ", ""), text
