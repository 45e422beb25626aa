import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.analysis.text_diff import DiffChunk, changed_spans, diff_revisions

OLD = "Prices rose 5% last year. Farmers were angry.\n\nShops closed early on Friday."


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param(OLD, [DiffChunk("equal", OLD, OLD)], id="no change"),
        pytest.param(
            OLD.replace("5%", "6%"),
            [DiffChunk("equal", "Prices rose ", "Prices rose "), DiffChunk("replace", "5", "6"),
             DiffChunk("equal", "% last year. Farmers were angry.\n\nShops closed early on Friday.",
                       "% last year. Farmers were angry.\n\nShops closed early on Friday.")],
            id="one word changed",
        ),
        pytest.param(
            OLD + "\n\nA new paragraph.",
            [DiffChunk("equal", OLD, OLD), DiffChunk("insert", "", "\n\nA new paragraph.")],
            id="paragraph added",
        ),
    ],
)
def test_it_diffs_sentences_then_words(new, expected):
    assert diff_revisions(OLD, new) == expected


def test_a_rewritten_sentence_is_one_replacement_not_confetti():
    new = OLD.replace("Farmers were angry.", "Nobody in the valley expected this outcome.")

    changes = [c for c in diff_revisions(OLD, new) if c.op != "equal"]

    assert len(changes) == 1
    assert changes[0].op == "replace"


def test_changed_spans_cover_new_and_changed_sentences_of_the_new_text():
    new = OLD.replace("Farmers were angry.", "Farmers were furious.") + "\n\nA new paragraph."

    spans = changed_spans(OLD, new)

    assert [new[s:e] for s, e in spans] == ["Farmers were furious.", "A new paragraph."]


def test_changed_spans_are_empty_when_nothing_changed():
    assert changed_spans(OLD, OLD) == []


@settings(max_examples=200, deadline=None)
@given(old=st.text(max_size=300), new=st.text(max_size=300))
def test_chunks_rebuild_both_texts(old, new):
    chunks = diff_revisions(old, new)

    assert "".join(c.old_text for c in chunks) == old
    assert "".join(c.new_text for c in chunks) == new
    assert all(c.op != "equal" or c.old_text == c.new_text for c in chunks)
