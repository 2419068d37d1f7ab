"""`lookbook demo --no-serve` hands over working credentials; a busy port is one clear line."""

from __future__ import annotations

import re
import socket

import pytest
from click.testing import CliRunner

from lookbook.cli import main
from tests.html_page import Page


@pytest.fixture
def busy_port():
    """Hold a listening socket on a free local port; yield the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_in_use_is_one_line_with_the_port_hint(cli_env, busy_port, command):
    result = CliRunner().invoke(main, [command, "--port", str(busy_port)], env=cli_env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"port {busy_port} on 127.0.0.1 is already in use" in lines[0]
    assert "--port" in lines[0] and "Traceback" not in result.output


@pytest.mark.slow
def test_demo_without_serving_prints_credentials_that_work(run_cli, client):
    result = run_cli("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    user = re.search(r"as (\S+@\S+) with password (\S+)", result.output)
    key = re.search(r"secret API key for writes: (\S+)", result.output)
    assert user and key, result.output
    assert "lookbook serve" in result.output

    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    signed_in = client.post("/login", data={"email": user.group(1), "password": user.group(2),
                                            "csrf_token": token.group(1) if token else ""})
    assert signed_in.status_code == 302 and client.get("/curate/").status_code == 200
    write = client.delete("/api/v1/items/NO-SUCH-SKU", headers={"Authorization": f"Bearer {key.group(1)}"})
    assert write.status_code == 404  # the key is accepted; the sku is simply unknown

    # Demo items link to the example shop, and pages show it.
    bags = client.get("/api/v1/items?kind=bag&per_page=100").json["items"]
    linked = [b for b in bags if b["url"]]
    assert linked and all(b["url"].startswith("https://shop.example/bags/") for b in linked)
    assert all(b["url"] is None for b in bags if not b["in_stock"])
    page = Page(client.get(f"/bags/{linked[0]['sku']}").get_data(as_text=True))
    assert "Shop this bag" in page.text and linked[0]["url"] in page.links()
