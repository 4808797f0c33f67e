"""The report's charts in a real browser (headless Chromium) at a phone's width (390 px) and a
desktop's (1280 px): with the fonts the report really uses, no chart word runs out of its chart's
box or into another word, and every chart is shown and keeps a readable size.

Chromium comes with the system (`.ci/run` installs it where it is missing); outside CI a machine
without it skips these tests, saying so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import render as rs

from reporter.render import build_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None and os.environ.get("CI") != "true",
        reason="needs chromium (apt-get install chromium); CI installs it",
    ),
]

# Measures every chart once the report is laid out in a frame of the width under test (headless
# Chromium's window is at least 500 px wide); the result is posted to the page around the frame,
# whose DOM --dump-dom prints. Boxes are in the chart's own units (its viewBox).
PROBE = """<script>
window.addEventListener("load", () => {
  const out = [];
  for (const svg of document.querySelectorAll("figure.chart svg")) {
    const vb = svg.viewBox.baseVal, shown = svg.getBoundingClientRect();
    if (!shown.width) continue;  // the drawing for the other width, not shown
    const boxes = [...svg.querySelectorAll("text")].map(t => [t.textContent, t.getBBox()]);
    const sizes = [...svg.querySelectorAll("text")].map(
      t => parseFloat(t.getAttribute("font-size")));
    const px = Math.min(...sizes) * shown.width / vb.width;  // the smallest text, on screen
    const bad = [];
    for (const [name, b] of boxes) {
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5
          || b.y + b.height > vb.y + vb.height + 0.5) bad.push("outside: " + name);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [m, a] = boxes[i], [n, b] = boxes[j];
      if (a.x + 0.5 < b.x + b.width && b.x + 0.5 < a.x + a.width
          && a.y + 1 < b.y + b.height && b.y + 1 < a.y + a.height) bad.push(m + " over " + n);
    }
    out.push({label: svg.getAttribute("aria-label"), width: shown.width, px: px, bad: bad,
              units: vb.width});
  }
  parent.postMessage(JSON.stringify(out), "*");
});
</script>"""
FRAME = """<!DOCTYPE html><html><body style="margin:0"><pre id="probe"></pre>
<iframe src="report.html" style="width:{width}px;height:4000px;border:0"></iframe>
<script>window.addEventListener("message", e => {{
  document.getElementById("probe").textContent = e.data; }});</script></body></html>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_charts_pdf import _with_hours

    spec = rs.spec(account_metrics__time_series=["reach", "follower_count", "online_followers"])
    current = _with_hours(rs.dataset(rs.OCTOBER))
    built = build_html(
        spec,
        spec.accounts[0],
        current,
        rs.dataset(rs.SEPTEMBER, seed=2, scale=0.9),
        catalogue=rs.CATALOGUE,
        thumbnails=rs.thumbnails(current),
        now=rs.FETCHED_AT,
    )
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(built.html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return path


def _measure(page: Path, width: int) -> list[dict[str, object]]:
    assert CHROMIUM is not None, "chromium is missing: .ci/run installs it"
    frame = page.with_name(f"frame-{width}.html")
    frame.write_text(FRAME.format(width=width), encoding="utf-8")
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         "--window-size=1280,2000", "--virtual-time-budget=5000", frame.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.DOTALL)
    assert found, run.stderr[-2000:]
    charts: list[dict[str, object]] = json.loads(found.group(1).replace("&amp;", "&"))
    return charts


@pytest.mark.parametrize("width", [390, 1280])
def test_chart_words_stay_inside_and_apart(page: Path, width: int) -> None:
    charts = _measure(page, width)
    assert len(charts) >= 8  # trends, breakdowns, the heatmap (demographics are tables now)
    assert [(c["label"], c["bad"]) for c in charts if c["bad"]] == []
    assert all(float(str(c["width"])) > 250 for c in charts)  # every chart shown, not squeezed
    smallest = min(float(str(c["px"])) for c in charts)
    assert smallest >= 9.5  # the smallest chart text on screen, in CSS px
    drawn = {c["units"] for c in charts if c["label"].endswith(", day by day")}
    assert drawn == ({380} if width == 390 else {560})  # a phone gets the narrow drawing
