import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.analysis.anchoring import Anchor, locate, quote_selector, utf16_offset, utf16_span

CLAIM = "The ministry said unemployment fell to 4.2% in March."
BEFORE = "Officials met on Monday to review the figures. "
AFTER = " Critics called the figure misleading and asked for the raw data."
OLD = BEFORE + CLAIM + AFTER


def relocate(old: str, claim: str, new: str, **kwargs) -> Anchor | None:
    start = old.index(claim)
    q = quote_selector(old, start, start + len(claim))
    return locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=start, end=start + len(claim), **kwargs)


@pytest.mark.parametrize(
    ("new", "expected", "method", "changed"),
    [
        pytest.param(OLD, CLAIM, "position", False, id="unchanged text keeps the position"),
        pytest.param(OLD + "\n\nA new paragraph at the end.", CLAIM, "position", False, id="edit after the claim"),
        pytest.param("Breaking.\n\n" + OLD, CLAIM, "quote", False, id="edit before the claim shifts it"),
        pytest.param(
            "A later paragraph goes first now.\n\n" + OLD, CLAIM, "quote", False, id="moved paragraph"
        ),
        pytest.param(
            OLD.replace("unemployment", "unemplyment"),
            "The ministry said unemplyment fell to 4.2% in March.", "fuzzy", True, id="typo inside the quote",
        ),
        pytest.param(
            OLD.replace("4.2%", "4.3%"),
            "The ministry said unemployment fell to 4.3% in March.", "fuzzy", True, id="number corrected",
        ),
        pytest.param(
            OLD.replace("in March.", "in March, a record low."),
            "The ministry said unemployment fell to 4.2% in March, a record low.", "fuzzy", True,
            id="clause added keeps the whole sentence",
        ),
        pytest.param(
            OLD.replace("The ministry said", "The labour ministry said"),
            "The labour ministry said unemployment fell to 4.2% in March.", "fuzzy", True, id="word added",
        ),
    ],
)
def test_it_reanchors_the_claim(new, expected, method, changed):
    anchor = relocate(OLD, CLAIM, new)

    assert anchor is not None
    assert new[anchor.start : anchor.end] == expected
    assert (anchor.method, anchor.changed) == (method, changed)
    assert 0 <= anchor.confidence <= 1


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(BEFORE.rstrip() + AFTER, id="deleted sentence"),
        pytest.param(BEFORE + "Nobody knows what happens to the jobless rate next year." + AFTER, id="rewritten"),
        pytest.param("A completely different story about weather and football results.", id="other article"),
    ],
)
def test_it_orphans_a_claim_it_cannot_place(new):
    assert relocate(OLD, CLAIM, new) is None


def test_it_orphans_a_deleted_sentence_rather_than_taking_its_near_twin_neighbour():
    old = "We asked again. And it only makes common sense. It only makes common sense. They agreed."
    new = "We asked again. It only makes common sense. They agreed."

    assert relocate(old, "And it only makes common sense.", new) is None


PEACE = "The future is only peace. The problem is how long it will take and how many victims it will cost."
LEAD = (f"The future of the peace process in Israel\n\n\"{PEACE}\" Shimon Peres. Image: David Shankbone.\n\n"
        "Mr. President, do you still think there is a future to the peace process?\n\n"
        f"{PEACE} Why do I say peace? Because when you look at history, most wars were about land.")
LEAD_QUOTE = f"\"{PEACE}\""


@pytest.mark.parametrize(
    "new",
    [
        pytest.param(LEAD.replace(LEAD_QUOTE + " ", ""), id="lead quote deleted"),
        pytest.param(LEAD.replace(LEAD_QUOTE, "\"Peace will come, but not soon and not cheaply.\""),
                     id="lead quote rewritten"),
        pytest.param(LEAD.replace(LEAD_QUOTE, "Peace will come, \"but not soon.\" Typo fixd."), id="lead rewritten, typo"),
    ],
)
def test_a_pull_quote_whose_place_was_rewritten_is_orphaned_not_moved_to_its_body_twin(new):
    assert relocate(LEAD, LEAD_QUOTE, new) is None


def test_a_moved_one_sentence_paragraph_is_still_found_exactly():
    old = "First paragraph ends here.\n\nUnemployment fell to 4.2% in March.\n\nThird paragraph starts here."
    claim = "Unemployment fell to 4.2% in March."
    new = "First paragraph ends here.\n\nThird paragraph starts here. More text.\n\n" + claim

    anchor = relocate(old, claim, new)

    assert anchor is not None and new[anchor.start : anchor.end] == claim


def test_it_picks_the_duplicate_whose_context_matches():
    old = "Intro here. Prices rose 5% last year. Farmers were angry.\n\nLater on. Prices rose 5% last year. Shops closed."
    claim_start = old.rindex("Prices")
    q = quote_selector(old, claim_start, claim_start + len("Prices rose 5% last year."))
    new = "Editor's note.\n\n" + old.replace("Intro here.", "An introduction that is new.")

    anchor = locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=claim_start, end=claim_start + 25)

    assert anchor is not None
    assert anchor.start == new.rindex("Prices")


def test_it_picks_the_nearest_duplicate_when_context_cannot_tell():
    sentence = "Prices rose 5% last year."
    old = " ".join([sentence] * 4)
    start = old.index(sentence, 2 * len(sentence))  # the third copy
    q = quote_selector(old, start, start + len(sentence))
    new = "X. " + old

    anchor = locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=start, end=start + len(sentence))

    assert anchor is not None
    assert anchor.start == start + 3


@pytest.mark.parametrize(
    ("old", "claim", "new"),
    [
        pytest.param("Café ☕ owners 👩‍🍳 say: prices rose 5%. More.", "prices rose 5%.", "Nouveau 🎉. Café ☕ owners 👩‍🍳 say: prices rose 5%. More.", id="emoji"),
        pytest.param("Le député a déclaré que 30 % des élèves réussissent.", "30 % des élèves", "Résumé : le député a déclaré que 30 % des élèves réussissent.", id="accents"),
        pytest.param("First line.\r\nThe claim is here.\r\nLast line.", "The claim is here.", "New first.\r\nFirst line.\r\nThe claim is here.\r\nLast line.", id="CRLF"),
        pytest.param("First line.\n\nThe claim is here.\n\nLast line.", "The claim is here.", "First line.\r\n\r\nThe claim is here.\r\n\r\nLast line.", id="LF to CRLF"),
    ],
)
def test_offsets_are_exact_code_point_indices(old, claim, new):
    anchor = relocate(old, claim, new)

    assert anchor is not None
    assert new[anchor.start : anchor.end] == claim


def test_a_fuzzy_match_covers_whole_words():
    old = OLD
    new = OLD.replace("unemployment fell", "joblessness fell")

    anchor = relocate(old, CLAIM, new)

    assert anchor is None or (not new[anchor.start].isspace() and new[anchor.end - 1] == ".")


def test_it_refuses_an_empty_quote():
    with pytest.raises(ValueError):
        locate("text", exact="", prefix="", suffix="", start=0, end=0)


def test_quote_selector_takes_context_on_both_sides():
    q = quote_selector("abcdefghij", 4, 6, context=3)

    assert (q.prefix, q.exact, q.suffix) == ("bcd", "ef", "ghi")


@pytest.mark.parametrize(
    ("text", "index", "expected"),
    [("abc", 2, 2), ("é", 1, 1), ("😀a", 1, 2), ("😀a", 2, 3), ("a😀😀b", 3, 5), ("", 0, 0)],
)
def test_utf16_offset_counts_astral_characters_twice(text, index, expected):
    assert utf16_offset(text, index) == expected


def test_utf16_span_converts_both_ends():
    assert utf16_span("😀 claim", 2, 7) == (3, 8)


def test_utf16_offset_rejects_an_index_outside_the_text():
    with pytest.raises(ValueError):
        utf16_offset("abc", 4)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), data=st.data())
def test_utf16_offset_agrees_with_encoding(text, data):
    index = data.draw(st.integers(0, len(text)))

    assert utf16_offset(text, index) == len(text[:index].encode("utf-16-le")) // 2


# The marker character keeps the quote unique: the property is about finding it, not choosing.
surrounding = st.text(alphabet=st.characters(blacklist_characters="§", blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=200, deadline=None)
@given(before=surrounding, after=surrounding, new_before=surrounding, new_after=surrounding,
       quote=st.text(min_size=1, max_size=60).map(lambda s: "§" + s.replace("§", "") + "§"))
def test_an_untouched_quote_is_always_found_exactly(before, after, new_before, new_after, quote):
    old, new = before + quote + after, new_before + quote + new_after
    q = quote_selector(old, len(before), len(before) + len(quote))

    anchor = locate(new, exact=q.exact, prefix=q.prefix, suffix=q.suffix, start=len(before), end=len(before) + len(quote))

    assert anchor is not None
    assert (anchor.start, anchor.end, anchor.changed) == (len(new_before), len(new_before) + len(quote), False)
    assert anchor.method in ("position", "quote")
