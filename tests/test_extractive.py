"""How the extractive answer picks its sentences, on small made-up passages so each rule shows alone."""

from __future__ import annotations

from assistant.answering.answer import Passage
from assistant.answering.extractive import compose_extractive, score_sentences, subjects_asked
from assistant.answering.query import analyze_query
from assistant.text.terms import TermStats, content_terms

FILLER = [  # other chunks of a corpus, so idf weights look like a real one's
    "Runners run easy miles most days and a long run at the weekend.",
    "Stretch your calves and hamstrings after a run.",
    "Drink water before, during and after a long run.",
    "Sleep helps your legs recover between hard sessions.",
]


def passage(doc_id: str, section: str, text: str) -> Passage:
    return Passage(f"{doc_id}-{section}", doc_id, doc_id.title(), section, text, None, 0, len(text))


def chosen_texts(question: str, passages: list[Passage]) -> list[str]:
    stats = TermStats([p.text for p in passages] + FILLER)
    return [text for _, text in compose_extractive(analyze_query(question, {}, stats), passages)]


def test_a_why_question_is_answered_with_the_sentence_that_gives_a_reason() -> None:
    instruction = passage("notes", "Side plank", "Keep your hips level in the side plank.")
    reason = passage(
        "article",
        "Side plank",
        "Keep your hips level in the side plank, because that spreads the load across your glutes.",
    )
    why = chosen_texts("Why keep my hips level in the side plank?", [instruction, reason])
    assert why == [reason.text]
    # Asked what to do rather than why, the instruction is the answer.
    what = chosen_texts("Should I keep my hips level in the side plank?", [instruction, reason])
    assert what[0] == instruction.text


def test_the_paragraph_subject_carries_to_the_sentences_that_follow_it() -> None:
    article = passage(
        "article",
        "Core strength for runners",
        "Lie on your back after a hard session and rest.\n\n"
        "The glute bridge is a favourite of coaches. "
        "To get into it, lie on your back with your knees bent and your feet flat.",
    )
    answer = chosen_texts("How do I start the glute bridge lying on my back?", [article])
    assert any(text.startswith("To get into it") for text in answer)
    # The same words in a paragraph about something else are not the answer.
    assert not any(text.startswith("Lie on your back after") for text in answer)


def test_a_section_heading_that_names_part_of_the_question_still_says_what_it_is_about() -> None:
    dead_bug = passage(
        "notes",
        "Dead bug",
        "How to do it: lower one foot until it hovers just above the ground.",
    )
    crunches = passage(
        "notes",
        "Crunches",
        "How to do it: keep each foot flat on the floor, curl up, then lower slowly.",
    )
    passages = [dead_bug, crunches]
    query = analyze_query(
        "in the dead bug does my foot touch the floor when I lower it?",
        {},
        TermStats([p.text for p in passages] + FILLER),
    )
    owned = {"dead", "bug"}  # the question words that a retrieved section is headed by
    (hovers,) = score_sentences(query, 0, dead_bug, owned)
    (flat_on_the_floor,) = score_sentences(query, 0, crunches, owned)
    assert hovers.score > flat_on_the_floor.score


def test_the_same_point_made_by_two_documents_is_quoted_once() -> None:
    article = passage(
        "article",
        "Dead bug",
        "With control, lower one foot to hover just above the ground and switch sides.",
    )
    notes = passage(
        "notes",
        "Dead bug",
        "How to do it: with control, lower one foot until it hovers just above the ground, and switch sides.",
    )
    answer = chosen_texts("How do I lower my foot in the dead bug?", [article, notes])
    assert len(answer) == 1


def test_two_things_joined_by_and_each_get_their_own_answer_in_the_order_asked() -> None:
    overview = passage(
        "article",
        "Article",  # a title-level passage that names both moves in passing
        "Form matters in moves like crunches and bear walks.",
    )
    bear_walks = passage(
        "notes",
        "Bear walks",
        "Set-up: start on your hands and knees. Common mistake: letting your hips pike up.",
    )
    crunches = passage("notes", "Crunches", "Set-up: lie on your back. Common mistake: pulling on your neck.")
    answer = chosen_texts(
        "what are the common mistakes in crunches and in bear walks?", [overview, bear_walks, crunches]
    )
    assert answer == [
        "Common mistake: pulling on your neck.",
        "Common mistake: letting your hips pike up.",
    ]


def test_words_of_two_headings_side_by_side_name_one_thing() -> None:
    core = passage("notes", "Why the core matters", "Your core wraps around your torso.")
    session = passage("notes", "The session plan", "Do the session after an easy run.")
    stats = TermStats([core.text, session.text, *FILLER])

    def subjects(question: str) -> list[set[str]]:
        query = analyze_query(question, {}, stats)
        passages = [core, session]
        headings = [frozenset(query.matched(set(content_terms(p.section)))) for p in passages]
        return [set(s) for s in subjects_asked(query, passages, headings)]

    assert subjects("When should I do the core session, before or after a run?") == []
    assert subjects("Does the session plan or the core section come first?") == [
        {"session", "plan"},
        {"core"},
    ]
