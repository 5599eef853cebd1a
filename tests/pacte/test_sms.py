"""SMS cost what phones bill: GSM 7-bit where possible, and never more parts than asked."""

from pacte import sms


def test_typography_and_accents_outside_the_gsm_alphabet_are_made_plain():
    text = sms.to_gsm("Vous êtes attendu(e) — « Café-métiers », reçu l’invitation ; Anaïs")

    assert text == 'Vous etes attendu(e) - "Café-métiers", recu l\'invitation ; Anais'
    assert all(sms.septets(char) for char in text)


def test_a_letter_without_a_gsm_form_sends_the_message_in_ucs2():
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2  # 153 septets per part
    assert sms.segments("Łukasz " + "a" * 63) == 1  # 70 characters in UCS-2
    assert sms.segments("Łukasz " + "a" * 64) == 2


def test_characters_of_the_extension_table_count_twice():
    assert sms.septets("€") == 2
    assert sms.segments("€" * 80) == 1
    assert sms.segments("€" * 81) == 2


def test_a_long_text_is_cut_to_the_parts_allowed():
    fitted = sms.fit("mot " * 200, max_segments=2)

    assert fitted.endswith("...")
    assert sms.segments(fitted) == 2
    assert len(fitted) <= 2 * 153


def test_a_short_text_is_left_whole_on_one_line():
    assert sms.fit("Rendez-vous\n  demain   à 14 h") == "Rendez-vous demain à 14 h"
