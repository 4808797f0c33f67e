"""What the render pool's forkserver imports (run/pool.py), never a command: the renderer, and
one small page rendered, so that every worker forked from it starts warm.

A worker's first report otherwise pays for what only the first render in a process does:
compiling the default templates (about 50 ms) and, in WeasyPrint, loading the fonts, the
hyphenation dictionary and the C types of its cffi bindings (about 80 ms more than a second
render of the same HTML, measured with ``time.process_time``). Done here once, while the fetch
runs, instead of in each worker after it. The page is made of what a report uses (the default
font, hyphenated text, bold and italic, a grid, a table, an SVG with text, a PNG) and drawn to
nothing; the reports rendered afterwards are the same (tests/test_pool.py).
"""

from __future__ import annotations

# What each worker runs (run/jobs.py imports these where used), imported once here
import reporter.deliver.content  # the e-mail's figures, with --send
import reporter.render.report
import reporter.run.jobs  # noqa: F401
from reporter.render import environment
from reporter.render.pdf import write_pdf
from reporter.spec.models import Branding

# A 1×1 PNG, as thumbnails and avatars are inlined
_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4kWIEAANWAV/oF4RSAAAAAElFTkSuQmCC"
)

PAGE = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>-</title><style>
@page {{ size: A4; margin: 20mm; @bottom-right {{ content: "Page " counter(page); }} }}
html {{ font-family: {environment.css_font_family(Branding().font_family)}; font-size: 9.5pt;
  hyphens: auto; }}
h1 {{ bookmark-level: 1; string-set: title content(); }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; }} .row {{ display: flex; }}
</style></head><body><h1>Report</h1>
<p>Accounts reached <b>12,000</b> <i>up</i> <span style="font-weight: 600">4%</span></p>
<div class="grid"><div>Views</div><div>Reach</div></div><div class="row"><span>a</span></div>
<table><thead><tr><th>Post</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="100%" role="img">
<rect width="5" height="5" fill="#1F3A5F"/><path d="M0 0L5 5" stroke="#D9822B"/>
<text x="1" y="9" font-size="3">1k</text></svg>
<img src="data:image/png;base64,{_PNG}" alt=""></body></html>"""


def warm() -> None:
    """Compile the default templates and render PAGE once; a failure is left to the first real
    render to report (the forkserver must start whatever happens here)."""
    try:
        env = environment.environment(None)
        for name in env.list_templates(filter_func=lambda n: n.endswith(".j2")):
            if not name.startswith(f"{environment.DEFAULT}/"):  # the names reports use
                env.get_template(name)
        folders = environment.template_folders(None)
        write_pdf(PAGE, roots=folders, base_url=folders[-1])
    except Exception:
        pass


warm()
