"""`reporter doctor`: can this machine make a report's PDF as the client should see it?

It loads the PDF engine and asks fontconfig, script by script, whether an installed font can draw
the writing systems captions come in (render/fonts.py); a script no font has prints as empty
boxes in the PDF, so each missing one is a problem with the package that fixes it.
"""

from __future__ import annotations

from reporter.errors import ExitStatus
from reporter.render.fonts import SCRIPTS, FontLookup, installed_fonts
from reporter.world import World


def doctor(*, world: World, lookup: FontLookup = installed_fonts) -> int:
    """Exit status: 0 when the PDF engine loads and every script has a font, 1 otherwise."""
    out = world.out
    problems: list[str] = []
    try:
        from reporter.render.pdf import engine  # loads WeasyPrint, Pango and its libraries

        out.write(f"ok       PDF engine: {engine()}\n")
    except (ImportError, OSError) as error:  # OSError: Pango or its libraries are missing
        out.write(f"problem  PDF engine: WeasyPrint does not load: {error}\n")
        out.write("         install Pango (Debian, Ubuntu: apt install libpango-1.0-0 ")
        out.write("libpangoft2-1.0-0)\n")
        problems.append("the PDF engine does not load")
    for script in SCRIPTS:
        families = lookup(script.sample)
        if families is None:
            out.write("problem  fonts: cannot ask fontconfig (no fc-list); install fontconfig\n")
            problems.append("fonts could not be checked")
            break
        if families:
            shown = ", ".join(families[:2]) + (" …" if len(families) > 2 else "")
            out.write(f"ok       {script.name} ({script.sample}): {shown}\n")
        else:
            out.write(f"problem  {script.name} ({script.sample}): no installed font has it; ")
            out.write(f"install {script.packages}\n")
            problems.append(script.name)
    if problems:
        out.write(
            f"{len(problems)} problem{'s' * (len(problems) != 1)}: "
            f"{', '.join(problems)}; captions in a script without a font print as empty boxes "
            "(README: Fonts)\n"
        )
        return int(ExitStatus.FAILED)
    out.write("All good: this machine can render every script captions are checked for.\n")
    return int(ExitStatus.OK)
