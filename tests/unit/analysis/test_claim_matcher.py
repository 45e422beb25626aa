"""The pure matcher: normalisation, numbers and names, BM25, features and the re-scoring order."""

from __future__ import annotations

import pytest

from factcheck.analysis import claim_matcher as cm
from factcheck.analysis.claim_groups import group_near_identical


@pytest.mark.parametrize(("text", "expected"), [
    ("Check this https://t.co/abc123 out", "Check this out"),
    ("Wow @someone said so", "Wow said so"),
    ("GOP bill attacks single moms https://t.co/x — Morgan Fairchild (@morgfair) February 25, 2016",
     "GOP bill attacks single moms"),
    ("ﬁve\u00a0spaces   collapse", "five spaces collapse"),
    ("", ""),
])
def test_clean_drops_links_handles_and_tweet_signatures(text, expected):
    assert cm.clean(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The senators voted", ("senator", "vot")),
    ("Vaccines cause autism", ("vaccine", "cause", "autism")),
    ("Café au lait in São Paulo", ("cafe", "au", "lait", "sao", "paulo")),
    ("It's what they said 🙂", ()),
    ("Pakistan lost 80,000 lives", ("pakistan", "lost", "80", "000", "live")),
])
def test_terms_are_folded_stemmed_and_without_stop_words(text, expected):
    assert cm.terms(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("more than 80,000 lives in 2011", {"80000", "2011"}),
    ("a 3.50 fee and 3.0 percent", {"3.5", "3"}),
    ("no numbers here", set()),
    ("version2 is not a number", set()),
])
def test_numbers_are_normalised(text, expected):
    assert cm.numbers(text) == frozenset(expected)


def test_names_are_capitalised_words_other_than_stop_words():
    assert cm.names("The Senate said Joe Biden met Angela Merkel in Berlin") == {
        "senate", "joe", "biden", "angela", "merkel", "berlin"}


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Pakistan has lost 80,000 lives.", "pakistan has LOST 80,000 lives", True),
    ("Pakistan has lost 80,000 lives.", "Pakistan has lost 80,000 lives!! https://t.co/x", True),
    ("Pakistan has lost 80,000 lives.", "Pakistan has lost 80,001 lives.", True),  # ratio ≥ 95
    ("Pakistan has lost 80,000 lives.", "India has lost 80,000 lives.", False),
    ("Crime rose 5% in 2019.", "Crime fell sharply in 2020 across the state.", False),
])
def test_near_identical_claims(a, b, same):
    assert cm.near_identical(a, b) is same


def test_bm25_prefers_the_document_with_rarer_shared_terms():
    df = {"vaccine": 2, "autism": 1, "cause": 50}
    query = cm.terms("Vaccines cause autism")
    rare = cm.bm25(query, cm.terms("autism vaccines study"), df=df, n_docs=100, avg_len=3)
    common = cm.bm25(query, cm.terms("what may cause it"), df=df, n_docs=100, avg_len=3)
    assert rare > common > 0
    assert cm.bm25(query, cm.terms("nothing shared"), df=df, n_docs=100, avg_len=3) == 0


STATS = cm.Stats(df={"obama": 3, "born": 5, "kenya": 2, "tax": 40, "cut": 30, "rais": 20},
                 n_docs=100, avg_len=8, avg_claim_len=6, avg_title_len=4)


def test_rescore_ranks_the_same_claim_first_with_a_high_probability():
    query = cm.Query.of("Obama was born in Kenya, says this viral post https://t.co/x")
    candidates = [
        cm.Candidate(1, "Tax cuts raised revenue", "Tax cuts"),
        cm.Candidate(2, "Barack Obama was born in Kenya.", "Was Obama Born in Kenya?"),
        cm.Candidate(3, "Obama cut taxes", "Obama taxes"),
    ]
    ranked = cm.rescore(query, candidates, STATS)
    assert [c.key for c, _ in ranked][0] == 2
    assert ranked[0][1] > 0.5 > ranked[-1][1]
    assert all(0 <= score <= 1 for _, score in ranked)


def test_features_flag_numbers_that_disagree():
    query = cm.Query.of("Unemployment fell to 3.5 percent in 2019")
    rows = cm.features(query, [cm.Candidate(1, "Unemployment fell to 3.5 percent in 2019"),
                               cm.Candidate(2, "Unemployment fell to 7 percent in 2011"),
                               cm.Candidate(3, "Unemployment fell")], STATS)
    assert (rows[0]["num_shared"], rows[0]["num_clash"]) == (1.0, 0.0)
    assert (rows[1]["num_shared"], rows[1]["num_clash"]) == (0.0, 1.0)
    assert (rows[2]["num_shared"], rows[2]["num_clash"]) == (0.0, 0.0)
    assert set(rows[0]) == set(cm.FEATURES)


def test_a_word_for_word_repeat_is_certain_only_when_its_numbers_agree():
    silent = dict.fromkeys(cm.FEATURES, 0.0)  # the learned part says nothing: only the rule speaks
    stored = [cm.Candidate(1, "Pakistan has lost more than 80,000 lives.")]

    def score(text: str) -> float:
        return cm.rescore(cm.Query.of(text), stored, STATS, weights=silent, bias=-50)[0][1]

    assert score("PAKISTAN has lost more than 80,000 lives") == cm.REPEAT_SCORE
    assert score("Pakistan has lost more than 90,000 lives.") < 0.01
    assert score("Pakistan has lost many lives.") < 0.01


def test_rescore_of_nothing_is_nothing():
    assert cm.rescore(cm.Query.of("anything"), [], STATS) == []


@pytest.mark.parametrize(("word", "stem"), [
    ("nations", "nation"), ("running", "run"), ("taxes", "tax"), ("tax", "tax"), ("is", "is"),
    ("bus", "bus"), ("countries", "country"), ("voted", "vot"), ("2019", "2019"),
])
def test_stem_strips_common_suffixes_but_keeps_short_words(word, stem):
    assert cm.stem(word) == stem


@pytest.mark.parametrize(("texts", "groups"), [
    (["Pakistan lost 80,000 lives.", "Crime fell.", "pakistan LOST 80,000 lives!"], [[0, 2]]),
    (["Crime fell in 2019.", "Crime fell in 2019 🙂", "Crime fell in 2019!", "Taxes rose."],
     [[0, 1, 2]]),
    (["Café prices rose 5%.", "Cafe prices rose 5%."], [[0, 1]]),
    (["One claim.", "Another, quite different claim."], []),
    ([], []),
])
def test_near_identical_claims_are_grouped(texts, groups):
    assert group_near_identical(texts) == groups


def test_below_the_lexical_floor_a_candidate_scores_zero_with_or_without_a_similarity():
    stats = cm.Stats(df={"pakistan": 1, "live": 1, "bridge": 1, "river": 1}, n_docs=10, avg_len=6.0,
                     avg_claim_len=6.0, avg_title_len=1.0)
    query = cm.Query.of("Pakistan lost 80,000 lives")
    near = cm.Candidate(1, "Pakistan lost 80,000 lives")
    far = cm.Candidate(2, "The bridge over the river")
    scored = dict((c.key, s) for c, s in cm.rescore(query, [near, far], stats, lexical_floor=0.15))
    assert scored[1] > 0.9 and scored[2] == 0.0
    with_vectors = cm.rescore(query, [cm.Candidate(2, far.text, similarity=0.1)], stats,
                              cm.STATIC_WEIGHTS, cm.STATIC_BIAS, lexical_floor=0.15)
    assert with_vectors[0][1] == 0.0
    # Without a floor (what the encoder's suggestions and every `match()` use) it is scored.
    unfloored = cm.rescore(query, [cm.Candidate(2, far.text, similarity=0.1)], stats,
                           cm.STATIC_WEIGHTS, cm.STATIC_BIAS)
    assert unfloored[0][1] > 0.0


def test_the_encoder_weights_apply_when_every_candidate_has_a_similarity():
    stats = cm.Stats(df={"pakistan": 1}, n_docs=10, avg_len=6.0, avg_claim_len=6.0, avg_title_len=1.0)
    query = cm.Query.of("Pakistan lost many lives")
    close = cm.rescore(query, [cm.Candidate(1, "Pakistan suffered heavy losses", similarity=0.9)], stats)
    apart = cm.rescore(query, [cm.Candidate(1, "Pakistan suffered heavy losses", similarity=0.1)], stats)
    assert close[0][1] > apart[0][1]
    assert 0.0 <= apart[0][1] <= close[0][1] <= 1.0


@pytest.mark.parametrize(("text", "title", "summary"), [
    ("Pakistan has lost more than 80,000 lives.", "Pakistan's toll", "Official figures support it."),
    ("Crime rose 5% in 2019 — Café owners said so", "", ""),
])
def test_stored_terms_give_the_same_features_as_tokenising_again(text, title, summary):
    stats = cm.Stats(df={"pakistan": 2, "live": 3, "crime": 1}, n_docs=10, avg_len=8.0,
                     avg_claim_len=6.0, avg_title_len=2.0)
    query = cm.Query.of("Pakistan lost 80,000 lives to crime in 2019")
    stored = cm.stored_terms(text, title, summary)
    fresh = cm.features(query, [cm.Candidate(1, text, title, summary)], stats)
    saved = cm.features(query, [cm.Candidate(1, text, title, "", terms=stored)], stats)
    assert saved == fresh


_STORED = [
    cm.Candidate(1, "Pakistan has lost more than 80,000 lives to terrorism", "Pakistan's toll"),
    cm.Candidate(2, "Pakistan lost 80,000 lives in the war on terror", "Counting the dead"),
    cm.Candidate(3, "The bridge over the river was closed", "Pakistan roads"),
    cm.Candidate(4, "Terrorism killed thousands in Pakistan, officials say"),
    cm.Candidate(5, "Pakistan has lost more than 80,000 lives to terrorism."),
]


@pytest.mark.parametrize("at_least", [0.05, 0.3, 0.55, 0.9, 0.999])
def test_with_a_threshold_every_score_reaching_it_is_exact_and_the_rest_are_zero(at_least):
    stats = cm.Stats(df={"pakistan": 5, "live": 3, "terrorism": 2, "bridge": 1, "toll": 1},
                     n_docs=40, avg_len=9.0, avg_claim_len=7.0, avg_title_len=2.0)
    query = cm.Query.of("Pakistan has lost more than 80,000 lives to terrorism, he said")
    full = {c.key: s for c, s in cm.rescore(query, _STORED, stats, lexical_floor=0.15)}
    cut = {c.key: s for c, s in cm.rescore(query, _STORED, stats, lexical_floor=0.15,
                                           at_least=at_least)}
    assert {k: s for k, s in cut.items() if s >= at_least} == {
        k: s for k, s in full.items() if s >= at_least}
    assert all(s == 0.0 or s == full[k] for k, s in cut.items())


def test_the_bm25_features_are_plain_bm25_of_each_field_over_the_query_weight():
    stats = cm.Stats(df={"pakistan": 5, "live": 3, "toll": 1}, n_docs=40, avg_len=9.0,
                     avg_claim_len=7.0, avg_title_len=2.0)
    query = cm.Query.of("Pakistan's toll: 80,000 lives")
    candidate = _STORED[0]
    row = cm.features(query, [candidate], stats)[0]
    weight = sum(cm.idf(stats.df.get(t, 0), stats.n_docs) for t in set(query.terms))
    claim, title = cm.terms(candidate.text), cm.terms(candidate.title)
    assert row["bm25"] == pytest.approx(cm.bm25(query.terms, claim + title, df=stats.df,
                                                n_docs=40, avg_len=9.0) / weight)
    assert row["bm25_claim"] == pytest.approx(cm.bm25(query.terms, claim, df=stats.df, n_docs=40,
                                                      avg_len=7.0) / weight)
    assert row["bm25_title"] == pytest.approx(cm.bm25(query.terms, title, df=stats.df, n_docs=40,
                                                      avg_len=2.0) / weight)


def test_similarity_is_asked_once_for_the_candidates_above_the_floor_only():
    stats = cm.Stats(df={"pakistan": 2, "live": 2, "bridge": 1, "river": 1, "lost": 2}, n_docs=10,
                     avg_len=6.0, avg_claim_len=6.0, avg_title_len=1.0)
    query = cm.Query.of("Pakistan lost 80,000 lives")
    candidates = [cm.Candidate(1, "Pakistan lost 80,000 lives in the war"),
                  cm.Candidate(2, "The bridge over the river"),
                  cm.Candidate(3, "Pakistan lost many lives")]
    asked = []

    def similarity(q, these):
        asked.append((q, [c.key for c in these]))
        return [0.8 if c.key == 1 else 0.3 for c in these]

    scored = dict((c.key, s) for c, s in cm.rescore(
        query, candidates, stats, cm.STATIC_WEIGHTS, cm.STATIC_BIAS, lexical_floor=0.15,
        similarity=similarity))
    assert asked == [(query, [1, 3])]
    assert scored[2] == 0.0
    # The same scores as with the similarities given up front.
    given = [cm.Candidate(1, candidates[0].text, similarity=0.8),
             cm.Candidate(3, candidates[2].text, similarity=0.3)]
    expected = dict((c.key, s) for c, s in cm.rescore(query, given, stats, cm.STATIC_WEIGHTS,
                                                       cm.STATIC_BIAS, lexical_floor=0.15))
    assert scored[1] == pytest.approx(expected[1]) and scored[3] == pytest.approx(expected[3])
    assert scored[1] > scored[3] > 0.0
