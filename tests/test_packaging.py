"""The templates ship with the package: a checkout reaches them through the symlink
``reporter/templates -> ../templates``, a wheel through real files at the same place."""

from reporter.render.environment import ENTRY, environment, packaged_root


def test_the_packaged_templates_folder_holds_the_default_report_and_the_email() -> None:
    root = packaged_root()
    assert root.is_dir(), f"{root} is not a folder: was the symlink reporter/templates lost?"
    assert (root / "default" / ENTRY).is_file()
    assert (root / "email" / "message.html.j2").is_file()


def test_the_default_report_template_loads() -> None:
    assert environment().get_template(ENTRY).name == ENTRY
