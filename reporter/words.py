"""``N_``: marks a sentence written below the render stage (a dataset's "Meta returned no value
for this period.") for the message catalogues; the report translates it where it shows it
(``reporter.render.translations``, README "Translations")."""


def N_(message: str) -> str:
    return message
