"""An editor changes a question and publishes; a student gets the new wording, and an
attempt made before still shows the old one."""

from tests.browser.conftest import DESKTOP, PHONE, go_back, log_in


def answer_everything(page) -> None:
    """Pick the first answer of every question (and number ordering steps 1, 2, ...)."""
    for fieldset in page.locator("fieldset.question").all():
        selects = fieldset.locator("select")
        if selects.count():
            for index in range(selects.count()):
                selects.nth(index).select_option(str(index + 1))
        else:
            fieldset.locator("input").first.check()


def test_editor_publishes_a_new_wording_and_old_results_keep_the_old(browser, live_server, app, screenshot):
    from tests.factories import make_staff

    make_staff(app, "edna", role="editor")
    student = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    student.goto(live_server + "/en/lessons/what-they-look-like/quiz")
    first_prompt = student.locator("fieldset.question legend").first.inner_text()
    answer_everything(student)
    student.click("text=Send my answers")
    old_result = student.url
    assert "/attempts/" in old_result

    editor = browser.new_context(viewport=DESKTOP, locale="nb-NO").new_page()
    log_in(editor, live_server, "edna", "nb")
    assert editor.url.endswith("/nb/studio/")
    screenshot(editor, "studio-index-nb")
    editor.click("text=Slik ser miner og eksplosive krigsrester ut")
    editor.click("text=Rediger spørsmål 1")
    editor.fill("#prompt_en", "NEW WORDING: what do you do when you see a strange object?")
    screenshot(editor, "studio-question-nb")
    editor.click("text=Lagre spørsmålet")
    assert "Spørsmålet er lagret" in editor.content()
    editor.click("text=Forhåndsvis på engelsk")
    editor.click("text=Take the quiz")
    assert "NEW WORDING" in editor.content()
    screenshot(editor, "studio-preview-quiz-en")
    go_back(editor)
    editor.click("text=Back to the studio")  # the preview was in English, so is the studio now
    editor.click("button:has-text('Publish')")
    assert "Published as version 2" in editor.content()
    screenshot(editor, "studio-published-en")
    editor.click("text=History")
    editor.select_option("#compare-old", "1")
    editor.select_option("#compare-new", "2")
    editor.click("button:has-text('Compare')")
    assert "NEW WORDING" in editor.locator("ul.diff ins").first.inner_text()
    screenshot(editor, "studio-history-diff-en")

    student.goto(live_server + "/en/lessons/what-they-look-like/quiz")
    assert "NEW WORDING" in student.content()
    student.goto(old_result)
    assert first_prompt.split("\n")[-1] in student.content() and "NEW WORDING" not in student.content()
    screenshot(student, "studio-old-result-keeps-old-wording")


def test_editor_brings_questions_from_moodle_in_norwegian(browser, live_server, app, screenshot, tmp_path):
    from tests.factories import make_staff

    make_staff(app, "edna", role="editor")
    bank = tmp_path / "moodle.gift"
    bank.write_text(
        "// message: do-not-touch\n::Blank boks::Du ser en blank boks i gresset. Hva gjør du?{\n"
        "\t=La den ligge og si fra til en voksen\n\t~Plukk den opp\n\t####La den ligge.\n}\n\n"
        "::Essay::Fortell hva du ville gjort.{}\n",
        encoding="utf-8",
    )
    editor = browser.new_context(viewport=PHONE, locale="nb-NO").new_page()
    log_in(editor, live_server, "edna", "nb")
    editor.click("text=Hvis du finner noe")
    with editor.expect_download() as download:
        editor.click("text=Spørsmål på norsk bokmål (GIFT)")
    assert "::" in download.value.path().read_text("utf-8")
    editor.locator("#files").scroll_into_view_if_needed()
    screenshot(editor, "studio-gift-files-nb-phone")
    editor.set_input_files("#gift-file", str(bank))
    editor.get_by_role("radio", name="Norsk bokmål").check()
    editor.click("text=Importer spørsmålene")
    page = editor.content()
    assert "Importert til utkastet" in page and "blank-boks" in page
    assert "essayspørsmål kan ikke importeres" in page
    screenshot(editor, "studio-gift-imported-nb-phone")
    editor.click("text=Tilbake til leksjonen")
    assert "mangler på engelsk" in editor.content()
