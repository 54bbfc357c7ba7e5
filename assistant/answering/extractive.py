"""Answer without a model: pick the few sentences of the retrieved passages that best answer the
question and join them into a short answer with `[n]` citations. Deterministic, and every word of
the answer is the corpus's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from assistant.answer import Passage
from assistant.answering.focus import listed_asks, points_back, question_part, up_to_the_question
from assistant.answering.meaning import Meaning, scaled
from assistant.answering.query import AnalyzedQuery
from assistant.answering.routing import QuestionRoutes
from assistant.answering.steps import (
    CUE_STEPS,
    EACH_MOVE,
    INSTRUCTION,
    MISTAKE_STEPS,
    PROCEDURE_STEPS,
    PROGRESSION_STEPS,
    SET_UP_ONLY,
    SET_UP_STEP,
    asks_good_form,
    asks_of_every_move,
    asks_whole_move,
    instructs_a_move,
    is_labelled_step,
    names_a_move,
    names_a_property,
    steps_asked,
)
from assistant.answering.tuning import TUNING
from assistant.text.rarity import english_rarity
from assistant.text.sentences import Sentence, split_sentences
from assistant.text.terms import content_terms

# A "why" question is answered by a reason: sentences that give one weigh more.
WHY = re.compile(r"\bwhy\b", re.IGNORECASE)
CAUSAL = re.compile(
    r"\b(because|so that|ensures?|which is why|that's why|that is why|as a result|leads? to|causes?)\b",
    re.IGNORECASE,
)
# What joins two things compared: "crunches and dead bugs", "a crunch compared to / different from a dead bug".
CONJUNCTION = re.compile(r"\b(and|or|vs|versus|than|from|compared|with|over)\b|&", re.IGNORECASE)
# A list question ("what does one session include?"): the answer gathers one sentence from each of several sections.
LIST_QUESTION = re.compile(
    r"\b(which|what|list|name)\b[^?]{0,30}\b(moves|exercises|muscles|signs|mistakes|steps|ones)\b|\blist\b|\ball (the|of the)\b",
    re.IGNORECASE,
)
# A sentence that opens by pointing back ("That's the most important thing") needs the one before.
# So does one whose first clause does ("When those muscles are weak, …": which muscles?).
POINTS_BACK = re.compile(
    r"^[\"“]?((that|this|these|those|it|they|so|which)\b|(when|if|because|while|but|and) (these|those|they|it)\b)",
    re.IGNORECASE,
)
# What shape an answer takes: "how often" is answered by a frequency, "how long" by a duration,
# "how many" by a number, "who" by someone named with a role. A sentence of that shape answers the
# question; one that merely repeats the asking word ("she often sees one mistake" for "how
# often…?") does not. A question may ask in more than one shape ("who is she, and how long has she
# coached?"): a sentence of any of its shapes answers it; but it asks one quantity at most (the
# first of "how often", "how long", "how many" that it says: "how many days each week" is a frequency).
NUMBER = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)"
BODY_PART = r"(foot|feet|hands?|legs?|arms?|sides?|knees?|shoulders?|degrees?|inch(es)?)\b"
# "a minute" is a duration, "once a week" a frequency.
AMOUNT = rf"({NUMBER}|a few|a couple of|about a|an?(?=\s+(?:seconds?|minutes?|hours?)))"
# Someone named with a role: "Nike Master Trainer Jo Bloggs", "Bloggs (our coach for…)", "Jo
# Bloggs, MS, founder of…". A proper name is a capitalised word that does not open the sentence.
ROLE = r"(?i:trainers?|coach(?:es|ing team)?|instructors?|founder|physiotherapists?|physios?|doctors?|experts?|authors?|models?|team)"
PERSON = r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z]+\b"
PERSON_WITH_ROLE = rf"{PERSON}[^.;]{{0,40}}\b{ROLE}\b|\b{ROLE}\b[^.;]{{0,40}}{PERSON}|\b(MS|CSCS|PhD|MD)\b"
# "Which specialists does the piece cite?": the question asks after several people, not the one named first.
SEVERAL_PEOPLE = re.compile(
    r"\b(experts|people|trainers|coaches|authors|everyone|each of them|both of them)\b", re.IGNORECASE
)
# A person's name: two capitalised words, both rare in English ("Jo Bloggs", not "United States").
FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")
# "Who leads the workout?", "what is his training?", "which team does she work with?": a sentence
# that names someone with a role, or the team that wrote the words.
WHO = (
    re.compile(
        # "who" that asks, not "a runner who trains twice a week"
        r"(?:^|[.?!,;:\u2014-]\s*|\b(?:and|but|so|me|know)\s+)who(se)?\b|\bwho(\s+is|\s+was|'s|\s+wrote)\b"
        r"|\b(background|qualifi\w*|credentials?|certifi\w*|bio|career|expertise)\b"
        r"|\b(she|he|her|his)\b[^?.]{0,30}\b(trainer|coach|instructor)\b"
        r"|\b(trainer|coach|instructor)\b[^?.]{0,30}\b(she|he|her|his)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"{PERSON_WITH_ROLE}|\b(?i:coaching team|written by)\b"),
)
# "What day suits it best?", "may I fit it in just ahead of a race?", "where in my week does it go?":
# a sentence that places it in the week or next to another run.
WHEN = (
    re.compile(
        r"\bwhen (should|do|does|did|can|is|are|would|will)\b|\bwhen\b[^?.]{0,20}\b(should|do|can|would) (i|we|you)\b"
        r"|\bwhat time\b|\bbefore or after\b"
        r"|\b(right|just|straight|day|night|evening|morning) (before|after)\b"
        r"|\b(morning|day|night|evening|eve) of (my|a|the|your)\b|\brace (morning|day)\b"
        r"|\b(can|could|should|is it \w+ to|ok to|okay to|fine to)\b[^?.]{0,40}\b(before|after) ((a|an|my|the|your) )?\w+"
        r"|\b(where|whereabouts|which day|what day)\b[^?.]{0,25}\b(week|schedule|plan)\b|\b(which|what) days?\b(?! (of|after|before)\b)"
        # "is tonight fine, or best to hold off?": whether now is the time
        r"|\bshould (i|we) wait\b|\b(today|tonight|tomorrow)\b[^?.]{0,15}\bor (wait|leave it|skip it|hold off)\b"
        r"|\b(schedul\w*|slot\w*|(fit|squeeze) (it|this|that|them|(the|this|these|my|your|her)( \w+){1,3}) in(to)?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(good time|best time|after an?|before an?|right before|on an? \w+ day|rest day|in the morning"
        r"|(late|early) in (a|the|your) (run|race|session))\b",
        re.IGNORECASE,
    ),
)
# "When shouldn't I do it?", "not on the eve of a big effort, then?": the sentence that says
# when to keep off it. Asked alone, it replaces the when-shape (`answer_shapes`): "a good time…" says
# the opposite.
AVOID = (
    re.compile(
        r"\bwhen\b[^?.]{0,30}\b(not|never|avoid|skip|shouldn'?t|should ?n'?t|wouldn'?t|don'?t)\b"
        # (not "never done it before, …": that is experience, not a time to keep off)
        r"|\b(not|never|avoid|skip)\b[^?.]{0,30}\b(before|after|morning of|night before|day before|evening before)\b"
        r"(?!\s*([,.?!;]|$|(and|but|so|now|though|either|too)\b))"
        r"|\bwhy not\b[^?.]{0,30}",
        re.IGNORECASE,
    ),
    re.compile(r"\b(avoid|don'?t|do not|never|not right before|instead of|rather than)\b", re.IGNORECASE),
)
ANSWER_SHAPES = (
    (
        re.compile(
            r"\bhow (often|frequently)\b|\bhow many (times?|x|days?|sessions?)\b"
            # "so not every day, then?", "is daily too much?": a frequency put up for a yes or no
            r"|\b(do|does|need|needs|have|has|should|must|is|it|not) (to )?(do (it |this |that )?)?(every (single )?day|daily)\b"
            # "is a single workout enough?", "can we do them more?": how often, put as enough or more
            r"|\b(one|1|a single) (session|time|day|workout)s?\b[^.?]{0,25}\benough\b|\bonce( a week)? (is |be )?enough\b"
            r"|\b(should|could|can|do) (i|we) (do|be doing) (it |them |this |these |the \w+ )?more\b|\bmore (often|sessions|times)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(once|twice|times?|days?)\b[^.]{0,25}\b(a|per|each|every)\s+(day|week|month)\b"
            r"|\bevery\s+(day|week|other day)\b|\b(daily|weekly)\b",
            re.IGNORECASE,
        ),
    ),
    (
        re.compile(r"\bhow long\b|\bhow much (time|rest|recovery|of a (rest|break))\b", re.IGNORECASE),
        re.compile(rf"\b{AMOUNT}(\s+to\s+\d+)?\s+(seconds?|minutes?|hours?|days?|weeks?)\b", re.IGNORECASE),
    ),
    # A count, not "lower one foot", "a 90-degree angle" or "an inch or two" (a measure).
    (
        # "only the figures, please": every count the answer can give
        re.compile(r"\bhow many\b|\bthe (numbers|figures|stats)\b|\bnumbers only\b", re.IGNORECASE),
        re.compile(
            rf"(?<!\binch or )(?<!\binches or )(?<!\bfoot or )(?<!\bfeet or )\b{NUMBER}\b(?!\s+of\b)(?![\s-]+{BODY_PART})",
            re.IGNORECASE,
        ),
    ),
    # "How low should the heel come?", "how far do I lower it?": a sentence that says how far.
    (
        re.compile(r"\bhow (far|low|high|deep|close)\b|\b(until|up to|down to) where\b", re.IGNORECASE),
        re.compile(
            r"\b(just above|as far as|until|an inch|inches|off the floor|toward the|towards the)\b",
            re.IGNORECASE,
        ),
    ),
    WHO,
    # "Where should the feet sit?": the sentence that places a body part ("hands under your shoulders").
    (
        re.compile(r"\bwhere (do|does|should|is|are|would|can)\b", re.IGNORECASE),
        re.compile(
            r"\b(behind|under|underneath|above|below|between|across|crossed on|in line with|apart)\b",
            re.IGNORECASE,
        ),
    ),
    AVOID,
    WHEN,
    # "Is that normal?", "did I wreck something?", "should I be worried?": the sentence that says
    # what is normal and what is not. "May I train it on Sundays?" asks leave, not whether
    # something is normal.
    (
        re.compile(
            r"\b(is|are) (that|this|it|these|they|that's) (normal|bad|ok|okay|fine|expected|a problem|a bad sign)\b(?!\s+(to|if|for)\b)"
            r"|\bnormal\?|\b(should|do) i (be )?worr\w*|\bdid i (break|hurt|injure|damage|pull|tear|wreck|do) (something|anything|myself)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(is|are) (normal|not normal|not)\b[;.]", re.IGNORECASE),
    ),
    # "this is too tough for me", "a simpler way to do it?": the sentence that says how to scale a move
    # or the session back.
    (
        re.compile(
            r"\b(easier|simpler|gentler|too (hard|difficult|tough|much)|regress\w*|scale[sd]? (it |this |that )?(back|down)"
            r"|tone (it |this |that )?down|(can'?t|cannot|unable to) (do|manage|finish)|struggl\w*)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(only as far as|as far as you can|start with one|if you are new)\b", re.IGNORECASE),
    ),
    # "Does doing loads of reps matter?", "can I rush through them?": the sentence that weighs the
    # pace of the reps against their number.
    (
        re.compile(
            r"\b(as many|most|lots of|loads of|more|number of|high number of|hundreds of)\b[^.?!]*\breps?\b"
            r"|\breps?\b[^.?!]*\b(fast|faster|quick\w*|rush\w*|speed\w*)\b"
            r"|\bquantity\b|\bquality (over|or|vs\.?|versus|not) \w+"
            r"|\b(blast|bang|speed|rush|race|fly|zip|hurry)\w* (through|out)\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(slow|controlled)\b[^.]*\breps\b|\bnumber of reps\b", re.IGNORECASE),
    ),
    # "Brand new to this: is the full circuit too much at first?": the sentence for people new to it.
    (
        re.compile(
            r"\b(never( \w+)? (done|tried|did)|first time|beginners?|new to|newbie|just start\w*|starting out|complete novice|haven'?t (done|tried))\b",
            re.IGNORECASE,
        ),
        re.compile(r"\b(if you('re| are) new|new to|beginners?|start with)\b", re.IGNORECASE),
    ),
)
# "Group the moves by…", "which are on the floor and which on all fours?": every move, each in its group.
SORTS_THE_MOVES = re.compile(
    r"\b(sort|group|split|divide|categori[sz]e)\b|\bwhich\b[^?]*\b(and|or) which\b", re.IGNORECASE
)
# What readers call the moves and the session: words every move shares, which set none apart.
MOVE_WORDS = frozenset(
    content_terms("move moves exercise exercises movement movements circuit routine session workout ones")
)
QUANTITY_SHAPES = 3  # the first three: how often, how long, how many
NAME_RARITY = 0.7  # how rare in English both words of a name are (`text/rarity.py`)
T = TUNING


def is_list_question(question: str) -> bool:
    return bool(LIST_QUESTION.search(question)) or asks_of_every_move(question)


# "Which part of my week suits it?" is answered both by when to do it and by when not to, and each is a kind
# of its own: the one the question's words favour leads, the other follows (`other_kinds_of_answer`).
WHEN_TO = re.compile(rf"^(?![\s\S]*{AVOID[1].pattern})[\s\S]*?{WHEN[1].pattern}", re.IGNORECASE)
WHEN_NOT = re.compile(rf"^(?=[\s\S]*{AVOID[1].pattern})[\s\S]*?{WHEN[1].pattern}", re.IGNORECASE)


def answer_shapes(question: str) -> list[re.Pattern[str]]:
    """The patterns of sentences that have the kind of answer the question asks for (none when it
    asks for no particular kind)."""
    asked = [(i, shape) for i, (asks, shape) in enumerate(ANSWER_SHAPES) if asks.search(question)]
    if AVOID[0].search(question) and not WHEN[0].search(AVOID[0].sub(" ", question)):
        asked = [(i, shape) for i, shape in asked if shape is not WHEN[1]]  # when not to, only
    elif (when := next((i for i, shape in asked if shape is WHEN[1]), None)) is not None:
        asked = [(i, shape) for i, shape in asked if shape is not WHEN[1]] + [
            (when, WHEN_TO),
            (when, WHEN_NOT),
        ]
    quantity = [shape for i, shape in asked if i < QUANTITY_SHAPES][:1]
    return quantity + [shape for i, shape in asked if i >= QUANTITY_SHAPES]


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    sentence: Sentence
    score: float
    terms: frozenset[str]  # question terms it covers
    on_topic_section: bool  # its section heading names all the question asks about
    shaped: bool = False  # it has the shape of answer the question asks for (`ANSWER_SHAPES`)
    kinds: frozenset[int] = frozenset()  # which of the asked shapes (`answer_shapes`' order) it has


def compose_extractive(
    query: AnalyzedQuery,
    passages: list[Passage],
    meaning: Meaning | None = None,
    vector: np.ndarray | None = None,
    routes: QuestionRoutes | None = None,
    uncovered: tuple[str, ...] = (),
) -> list[tuple[int, str]]:
    """The chosen sentences as (passage rank, text), best first; empty when nothing fits. With an
    embedding model (`meaning`, and the question's `vector`), sentences are judged on meaning too;
    with `routes`, by how well the question matches the written questions each sentence answers.
    `uncovered`: the asks the answer says it does not cover (`focus.question_part`); none is quoted for."""
    if not query.weights or not passages:
        return []
    similarities = signals_for(query, passages, meaning, vector, routes)

    def signals_of_ask(part: AnalyzedQuery) -> list[Signals]:
        ask_vector = meaning.embed(part.asked) if meaning is not None and vector is not None else None
        return signals_for(part, passages, meaning, ask_vector, routes)

    headings = [frozenset(query.matched(set(content_terms(p.topic)))) for p in passages]
    owned = set().union(*headings)
    subjects = subjects_asked(query, passages, headings)
    every_move = from_every_move(query, passages, owned, similarities)
    if every_move:
        # Led by the best sentence outside the moves' sections when that is what the answer would
        # start with ("five core moves, done one after another as a circuit"); and "what does it
        # consist of, and what length is it?": the other asks get their answers too.
        ordinary = choose(candidates_for(query, passages, owned, similarities), listing=True)[:1]
        lead = [c for c in ordinary if not instructs_a_move(passages[c.passage_rank].text)]
        chosen = lead + [c for c in every_move if not repeats(c, lead)]
        chosen = with_each_ask(chosen, query, passages, owned, signals_of_ask, uncovered)
    elif subjects:
        chosen = []  # in the order the question names the subjects
        for subject in subjects:
            picks = best_on(subject, subjects, query, passages, similarities)
            chosen += [c for c in picks if c not in chosen and not repeats(c, chosen)]
    else:
        listing = is_list_question(query.text)
        chosen = choose(candidates_for(query, passages, owned, similarities), listing)
        chosen = in_answer_order(chosen)
        chosen = with_each_ask(chosen, query, passages, owned, signals_of_ask, uncovered)
    asked = query.asked or query.text
    if (asks_whole_move(asked) or asks_good_form(asked)) and not every_move:
        harder = asks_whole_move(asked) or PROGRESSION_STEPS in steps_asked(asked)
        chosen = with_whole_move(chosen, passages, asked, with_progression=harder)
    elif steps_asked(asked)[:1] == [PROCEDURE_STEPS] and not every_move:
        chosen = with_whole_procedure(chosen, passages)
    if WHO[0].search(asked) and SEVERAL_PEOPLE.search(query.text):
        chosen = with_everyone_named(chosen, passages)
    chosen = with_paragraph_rest(with_the_point(with_antecedents(chosen, passages), passages), passages)
    chosen = with_elaboration(chosen, passages)
    return once_each([(c.passage_rank, sentence_with_list(c, passages)) for c in chosen])


def once_each(quotes: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Each sentence quoted once, where it first comes: a sentence chosen for itself may come back as
    the rest of a step's paragraph or as the one another points back to."""
    seen: set[str] = set()
    result = []
    for rank, text in quotes:
        key = " ".join(text.split()).lower()
        if key not in seen:
            seen.add(key)
            result.append((rank, text))
    return result


def people_named(text: str) -> set[str]:
    """The surnames of the people a sentence names (`FULL_NAME`)."""
    return {
        last
        for first, last in FULL_NAME.findall(text)
        if min(english_rarity(first.lower()), english_rarity(last.lower())) >= NAME_RARITY
    }


def with_everyone_named(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """ "Which specialists does the piece cite?": besides the chosen sentences, one sentence for each other
    person the retrieved passages name with a role, in the order the passages come."""
    named = set().union(*(people_named(c.sentence.text) for c in chosen)) if chosen else set()
    result = list(chosen)
    for rank, passage in enumerate(passages):
        for sentence in split_sentences(passage.text):
            new = people_named(sentence.text) - named
            if new and WHO[1].search(sentence.text):
                result.append(Candidate(rank, sentence, 0.0, frozenset(), False, True))
                named |= new
    return result


def signals_for(
    query: AnalyzedQuery,
    passages: list[Passage],
    meaning: Meaning | None,
    vector: np.ndarray | None,
    routes: QuestionRoutes | None,
) -> list[Signals]:
    """Each passage's `Signals` for the question (or one of its asks)."""
    return [
        Signals(
            meaning.sentence_similarities(vector, p) if meaning is not None and vector is not None else [],
            routes.sentence_scores(query, p, vector) if routes is not None else {},
        )
        for p in passages
    ]


def with_each_ask(
    chosen: list[Candidate],
    query: AnalyzedQuery,
    passages: list[Passage],
    owned: set[str],
    signals_of_ask: Callable[[AnalyzedQuery], list[Signals]],
    uncovered: tuple[str, ...],
) -> list[Candidate]:
    """ "Is it timed, and is a mat needed?": each ask gets the sentence that leads its own answer
    (of the shape it asks for, see `choose`), judged by how close that ask alone comes to each
    sentence and to the questions it answers: the whole question's closeness is mostly the other
    asks'. An ask the answer says it does not cover gets none, and one about every move is answered
    by the moves already quoted."""
    for ask in listed_asks(query.asked or query.text):
        part = for_ask(query, ask)
        if question_part(ask) in uncovered or asks_of_every_move(ask) or points_back(ask) or not part.weights:
            continue
        best = choose(candidates_for(part, passages, owned, signals_of_ask(part)))[:1]
        chosen = chosen + [c for c in best if c not in chosen and not repeats(c, chosen)]
    return chosen


def from_every_move(
    query: AnalyzedQuery, passages: list[Passage], owned: set[str], similarities: list[Signals]
) -> list[Candidate]:
    """ "Which exercises happen face up?", "every move's typical error": one quote from each
    move's section, in the corpus's order: the first step of the kind the question asks for (the
    set-up, which says what the move is, when it asks for none). A move whose quote fits the question
    much worse than the best move's is left out ("which moves…" about something only some have).
    Empty unless the question asks of every move and several moves were retrieved."""
    question = up_to_the_question(query.asked or query.text)  # not the remarks after it
    if not asks_of_every_move(question):
        return []
    steps = steps_asked(question) or [PROCEDURE_STEPS]
    if steps[:1] == [PROCEDURE_STEPS] and SET_UP_ONLY.search(question):
        steps = [SET_UP_STEP]  # "the starting position of each", not the movement that returns to it
    quotes: dict[str, Candidate] = {}  # each move's first step of the kind asked
    fitting: dict[str, Candidate] = {}  # ...and the one whose paragraph fits the question best
    total = query.total_weight or 1.0

    def fit_of(candidate: Candidate) -> float:
        """How much of the question a quote covers, by words, besides the words for the moves
        themselves ("moves", "exercises"), which every move's quote shares."""
        return query.weight_of(set(candidate.terms) - MOVE_WORDS) / total

    # "One cue per move": for a move with no cue of its own, the fix for its mistake.
    stand_ins = [cue_stand_ins(p) if CUE_STEPS in steps else set() for p in passages]
    for candidate in candidates_for(query, passages, owned, similarities):
        passage = passages[candidate.passage_rank]
        if not instructs_a_move(passage.text):
            continue
        step = step_opening(candidate, passage)
        if not any(label.match(tidy(step.sentence.text)) for label in steps):
            if candidate.sentence.index not in stand_ins[candidate.passage_rank]:
                continue
            step = candidate
        quotes.setdefault(passage.topic, step)
        best = fitting.get(passage.topic)
        if best is None or (fit_of(candidate), candidate.score) > (fit_of(best), best.score):
            fitting[passage.topic] = replace(step, score=candidate.score, terms=candidate.terms)
    if len(quotes) < 2:
        return []
    # "In which moves am I told to exhale?": the step that says it ("How to do it: … Breathe
    # out as the foot lowers"), not the first step, when the question names what sets moves apart.
    # A long question that names it outright ("…any breathing cue? …and more about my swimming…")
    # still does when the best-fitting steps cover it and the first steps none of it.
    best_fit, first_fit = max(fit_of(c) for c in fitting.values()), max(fit_of(c) for c in quotes.values())
    named = names_a_property(question) and best_fit > 0 and first_fit == 0
    names_property = best_fit >= T.every_move_property or named
    if names_property:
        quotes = fitting
    # "Walk me through every move" is answered by each move's whole procedure (set-up, then movement).
    whole = steps[:1] == [PROCEDURE_STEPS] and steps_asked(question) and not SET_UP_ONLY.search(question)
    # How much of the question each move's quote covers (the same for every move when the question
    # names nothing that sets some apart: "what are the moves?").
    fit = {topic: fit_of(c) for topic, c in quotes.items()}
    top = max(fit.values())
    # A step asked of each move ("the set-up of every exercise") is asked of all of them, and so is a
    # sorting of the moves ("which are on the floor and which on all fours?"); a question with no
    # step asks which moves have something, if it fits some moves clearly.
    if steps_asked(question) or not names_property or SORTS_THE_MOVES.search(question):
        kept = list(quotes.values())
    else:
        kept = [c for topic, c in quotes.items() if fit[topic] >= T.every_move_keep * top]
    kept = sorted(kept, key=lambda c: (passages[c.passage_rank].doc_id, passages[c.passage_rank].start))
    return with_whole_procedure(kept, passages) if whole else kept


def step_opening(candidate: Candidate, passage: Passage) -> Candidate:
    """The labelled sentence that opens the candidate's paragraph ("How to do it: …" for "Breathe
    out as the foot lowers."), or the candidate itself when it opens it."""
    start = passage.text.rfind("\n\n", 0, candidate.sentence.start) + 1
    opening = [
        s for s in split_sentences(passage.text) if s.start >= start and s.index <= candidate.sentence.index
    ]
    return (
        replace(candidate, sentence=opening[0]) if opening and opening[0] != candidate.sentence else candidate
    )


def for_ask(query: AnalyzedQuery, ask: str) -> AnalyzedQuery:
    """The question narrowed to the words of one of its asks."""
    keep = set(query.matched(set(content_terms(ask)))) | (set(content_terms(ask)) & set(query.weights))
    return replace(
        query,
        weights={t: w for t, w in query.weights.items() if t in keep},
        aliases={t: a for t, a in query.aliases.items() if t in keep},
        own=query.own & frozenset(keep),
        asked=ask,
    )


def with_whole_procedure(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """ "What's the technique?" is answered by every step of the procedure (the set-up, then the
    movement), in the corpus's order, wherever one of them was chosen."""
    result: list[Candidate] = []
    for candidate in chosen:
        if candidate in result:
            continue
        if not PROCEDURE_STEPS.match(tidy(candidate.sentence.text)):
            result.append(candidate)
            continue
        for sentence in split_sentences(passages[candidate.passage_rank].text):
            if PROCEDURE_STEPS.match(tidy(sentence.text)):
                twin = [
                    c for c in chosen if c.passage_rank == candidate.passage_rank and c.sentence == sentence
                ]
                step = twin[0] if twin else replace(candidate, sentence=sentence)
                if step not in result:
                    result.append(step)
    return result


def with_whole_move(
    chosen: list[Candidate], passages: list[Passage], question: str, with_progression: bool = True
) -> list[Candidate]:
    """ "Walk me through the dead bug": a move quoted at all is quoted whole, every labelled step in
    the corpus's order (set-up, movement, cue, mistake, progression), where it was first chosen. A
    move the question names is quoted whole though only the article's story of it was chosen
    ("tell me the lot about dead bugs"). A question on good form leaves out how to make
    the move harder (`with_progression`)."""
    named = [
        Candidate(rank, split_sentences(p.text)[0], 0.0, frozenset(), True)
        for rank, p in enumerate(passages)
        if p.topic and instructs_a_move(p.text) and names_a_move(question, [p.topic])
    ]
    result: list[Candidate] = []
    whole: set[int] = set()
    for candidate in chosen + named:
        rank = candidate.passage_rank
        if rank in whole:
            continue
        if not instructs_a_move(passages[rank].text):
            result.append(candidate)
            continue
        whole.add(rank)
        for sentence in split_sentences(passages[rank].text):
            step = tidy(sentence.text)
            if is_labelled_step(step) and (with_progression or not PROGRESSION_STEPS.match(step)):
                twin = [c for c in chosen if c.passage_rank == rank and c.sentence == sentence]
                result.append(twin[0] if twin else replace(candidate, sentence=sentence))
    return result


# "Your core is not only the muscles around your belly button." says what it is not; the point is
# made by the sentence after it, which points back ("It wraps all the way around…").
SAYS_WHAT_IT_IS_NOT = re.compile(r"\b(not|isn't|aren't|doesn't|don't)\b", re.IGNORECASE)


def with_the_point(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """A sentence that says what something is not is followed by the one that says what it is."""
    result: list[Candidate] = []
    for candidate in chosen:
        if candidate in result:
            continue
        result.append(candidate)
        if not SAYS_WHAT_IT_IS_NOT.search(candidate.sentence.text):
            continue
        text = passages[candidate.passage_rank].text
        following = split_sentences(text)[candidate.sentence.index + 1 : candidate.sentence.index + 2]
        for later in following:
            if "\n\n" in text[candidate.sentence.start : later.start] or not POINTS_BACK.match(later.text):
                continue
            if not any(
                c.passage_rank == candidate.passage_rank and c.sentence.index == later.index for c in chosen
            ):
                result.append(Candidate(candidate.passage_rank, later, candidate.score, frozenset(), False))
    return result


def with_elaboration(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """An answer led by a paragraph's short opening sentence ("Core training is about control, not a
    six-pack.") goes on with the sentence after it, which says what the slogan means."""
    if not chosen:
        return chosen
    lead = chosen[0]
    text = passages[lead.passage_rank].text
    sentences = split_sentences(text)
    index = lead.sentence.index
    opens = index == 0 or "\n\n" in text[sentences[index - 1].start : lead.sentence.start]
    if not opens or len(lead.sentence.text.split()) > T.slogan_words or index + 1 >= len(sentences):
        return chosen
    later = sentences[index + 1]
    if "\n\n" in text[lead.sentence.start : later.start] or INSTRUCTION.match(later.text):
        return chosen
    if any(c.passage_rank == lead.passage_rank and c.sentence.index == later.index for c in chosen):
        return chosen
    return [lead, Candidate(lead.passage_rank, later, lead.score, frozenset(), False), *chosen[1:]]


def with_paragraph_rest(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """A labelled step ("Common mistake: …") is one unit: its paragraph goes on with the reason and
    the fix ("Widen your feet…"), which a reader asking about the mistake needs too."""
    result: list[Candidate] = []
    for candidate in chosen:
        if candidate in result:
            continue
        result.append(candidate)
        if not INSTRUCTION.match(tidy(candidate.sentence.text)):
            continue
        text = passages[candidate.passage_rank].text
        for later in split_sentences(text)[candidate.sentence.index + 1 :]:
            between = text[candidate.sentence.start : later.start]
            if "\n\n" in between or INSTRUCTION.match(later.text) or later.text[:1] in "-*•#":
                break
            twin = [
                c
                for c in chosen
                if c.passage_rank == candidate.passage_rank and c.sentence.index == later.index
            ]
            result.append(
                twin[0]
                if twin
                else Candidate(candidate.passage_rank, later, candidate.score, frozenset(), False)
            )
    return result


@dataclass(frozen=True)
class Signals:
    """Per sentence of one passage: closeness in meaning to the question (empty without a model),
    and how well the question matches a written question the sentence answers (by index)."""

    similarities: list[float]
    routed: dict[int, float]


def candidates_for(
    query: AnalyzedQuery, passages: list[Passage], owned: set[str], similarities: list[Signals]
) -> list[Candidate]:
    # "Give me that as one cue" after a question on shoulder taps: the step asked for is that move's,
    # not another move's that happens to have a step of that label.
    move_named = any(
        instructs_a_move(p.text) and query.matched(set(content_terms(p.topic))) for p in passages
    )
    return [
        c
        for rank, p in enumerate(passages)
        for c in fold_lists(score_sentences(query, rank, p, owned, similarities[rank], move_named))
    ]


def in_answer_order(chosen: list[Candidate]) -> list[Candidate]:
    """Best sentence first; a sentence that continues a chosen one (the next in its paragraph)
    follows it, so a point and its explanation read in the corpus's order."""
    ordered: list[Candidate] = []
    for candidate in chosen:  # chosen is best first
        if candidate in ordered:
            continue
        ordered.append(candidate)
        index = candidate.sentence.index
        for later in sorted(chosen, key=lambda c: c.sentence.index):
            if (
                later not in ordered
                and later.passage_rank == candidate.passage_rank
                and later.sentence.index == index + 1
            ):
                ordered.append(later)
                index += 1
    return ordered


def with_antecedents(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """A sentence that points back ("That's the most important thing here") comes with the one it
    points at, placed just before it."""
    result: list[Candidate] = []
    for candidate in chosen:
        antecedents: list[Candidate] = []
        current = candidate
        # "It wraps around…" before "When those muscles…" points back too: follow it one step more.
        while (
            len(antecedents) < 2 and POINTS_BACK.match(current.sentence.text) and current.sentence.index > 0
        ):
            index = current.sentence.index
            before = split_sentences(passages[candidate.passage_rank].text)[index - 1]
            already = any(
                c.passage_rank == candidate.passage_rank and c.sentence.index == index - 1 for c in result
            )
            if already or before.text.rstrip().endswith(":") or before.text[:1] in "-*•#":
                break
            current = Candidate(candidate.passage_rank, before, candidate.score, frozenset(), False)
            antecedents.insert(0, current)
        result += [c for c in antecedents if c not in result]
        if candidate not in result:
            result.append(candidate)
    return result


def subjects_asked(
    query: AnalyzedQuery, passages: list[Passage], headings: list[frozenset[str]]
) -> list[frozenset[str]]:
    """The things a question joins with "and"/"or" ("the set-up for crunches or dead bugs") when
    each has a section of its own: each gets its own answer, rather than the one sentence that
    merely names them both. `headings`: the question words each passage's section heading names.
    Empty for a question about one thing."""
    own = query.own or frozenset(query.weights)
    named: list[frozenset[str]] = []
    for passage, heading in zip(passages, headings, strict=True):
        if not passage.topic:  # a document's title is about everything in it
            continue
        # The question names the section ("dead bugs"), not one word of a longer heading ("core" of
        # "Why the core matters").
        whole = len(heading & own) >= len(set(content_terms(passage.topic)))
        if whole and (heading := heading & own) and heading not in named:
            named.append(heading)
    subjects = [h for h in named if not any(h & other for other in named if other != h)]
    return in_question_order(query, subjects) if len(subjects) >= 2 else []


def in_question_order(query: AnalyzedQuery, subjects: list[frozenset[str]]) -> list[frozenset[str]]:
    """The subjects as the question names them, if it names each apart with "and"/"or" between
    them ("crunches and dead bugs" is two things, "the core session" one); else none."""
    words = re.findall(r"\w+|&", query.text.lower())
    spans = {}
    for subject in subjects:
        at = [i for i, word in enumerate(words) if query.matched(set(content_terms(word))) & subject]
        if not at:
            return []
        spans[subject] = (min(at), max(at))
    ordered = sorted(subjects, key=spans.__getitem__)
    apart = all(
        spans[earlier][1] < spans[later][0]
        and any(CONJUNCTION.fullmatch(w) for w in words[spans[earlier][1] + 1 : spans[later][0]])
        for earlier, later in pairwise(ordered)
    )
    return ordered[: T.max_sentences] if apart else []


def best_on(
    subject: frozenset[str],
    subjects: list[frozenset[str]],
    query: AnalyzedQuery,
    passages: list[Passage],
    similarities: list[Signals],
) -> list[Candidate]:
    """The best sentence about one subject of a joined question (and the one after it, when that
    goes on with the same point), judged on the subject plus what the question asks of every one."""
    own = query.own or frozenset(query.weights)
    keep = set(query.weights) - (set().union(*subjects) - subject)  # not the other subjects' words
    part = replace(
        query,
        weights={t: w for t, w in query.weights.items() if t in keep},
        aliases={t: a for t, a in query.aliases.items() if t in keep},
        own=own & frozenset(keep),
    )
    candidates = candidates_for(part, passages, set().union(*subjects), similarities)
    # Each move compared is answered from its own section, not from a sentence elsewhere that
    # shares a word of the question ("back" in "both are done on the back").
    own_section = [
        c
        for c in candidates
        if subject <= query.matched(set(content_terms(passages[c.passage_rank].topic)))
        and instructs_a_move(passages[c.passage_rank].text)
    ]
    chosen = choose(own_section or candidates)
    if not chosen:
        return []
    first = chosen[0]
    follows = [
        c
        for c in chosen[1:]
        if c.passage_rank == first.passage_rank and c.sentence.index == first.sentence.index + 1
    ]
    picks = [first, *follows]
    steps = asked_steps_of(subject, query, passages, candidates, picks)
    if not steps:
        return picks
    # The subject's own steps read in the corpus's order (set-up before mistake).
    section = steps[0].passage_rank
    elsewhere = [c for c in picks if c.passage_rank != section]
    return elsewhere + sorted(
        [c for c in picks if c.passage_rank == section] + steps, key=lambda c: c.sentence.index
    )


def asked_steps_of(
    subject: frozenset[str],
    query: AnalyzedQuery,
    passages: list[Passage],
    candidates: list[Candidate],
    chosen: list[Candidate],
) -> list[Candidate]:
    """ "How do the set-ups and the mistakes of crunches and dead bugs differ?": each step the
    question asks for, from the subject's own section, so both things compared get the same steps."""
    own = [
        c for c in candidates if subject <= query.matched(set(content_terms(passages[c.passage_rank].topic)))
    ]
    steps = []
    for step in steps_asked(query.asked or query.text):
        first = next((c for c in own if step.match(tidy(c.sentence.text))), None)
        if first is not None and first not in chosen and first not in steps:
            steps.append(first)
    return steps


def cue_stand_ins(passage: Passage) -> set[int]:
    """ "Which point matters above all on bear walks?": a move with no "Cue:" of its own is cued by
    the fix that ends its mistake's paragraph ("Keep your back flat like a tabletop…"), the one
    thing its notes tell the reader to do. The indexes of those sentences; none for a move with a cue."""
    sentences = split_sentences(passage.text)
    if not instructs_a_move(passage.text) or any(CUE_STEPS.match(tidy(s.text)) for s in sentences):
        return set()
    fixes = set()
    for sentence in sentences:
        if MISTAKE_STEPS.match(tidy(sentence.text)):
            paragraph = [
                s for s in sentences[sentence.index :] if "\n\n" not in passage.text[sentence.start : s.start]
            ]
            if len(paragraph) > 1:
                fixes.add(paragraph[-1].index)
    return fixes


def score_sentences(
    query: AnalyzedQuery,
    rank: int,
    passage: Passage,
    owned: set[str],
    signals: Signals,
    move_named: bool = False,
) -> list[Candidate]:
    """`owned`: question words that some retrieved section is headed by. Where the corpus has a
    section on bear walks, a passing mention of bear walks elsewhere is weaker evidence.
    `similarities`: each sentence's closeness in meaning to the question (empty without a model)."""
    total = query.total_weight
    why = bool(WHY.search(query.text))
    # Only the reader's own question says what kind of answer it wants, not the carried context.
    shapes = answer_shapes(query.asked or query.text)
    terse = len(query.own or query.weights) <= T.short_question_terms
    steps = steps_asked(query.asked or query.text)
    stand_ins = cue_stand_ins(passage) if CUE_STEPS in steps else set()
    named = query.matched(set(content_terms(passage.topic)))  # the reader's words or the context's
    heading = named
    passing = owned - heading
    # A section named for the question ("Crunches" for "explain crunches to me") answers it as a
    # whole, so its sentences share the heading's words, the first ones most.
    # Only the reader's own words count here: a follow-up's carried subject is context, not the ask.
    own = query.own or frozenset(query.weights)
    heading = heading & own
    # A heading that names only part of the ask ("crunches" in "where should my elbows
    # point during crunches?") still says what its sentences are about, with less weight.
    share = query.weight_of(heading) / (query.weight_of(set(own)) or 1.0)
    answers_all = share >= 0.8
    inherit = 1.0 if answers_all else 0.9 if share >= 0.5 else T.partial_heading
    found = []
    mentioned: set[str] = set()  # question words named earlier in the paragraph
    previous_end = 0
    for sentence in split_sentences(passage.text):
        if "\n\n" in passage.text[previous_end : sentence.start]:
            mentioned = set()
        previous_end = sentence.start + len(sentence.text)
        terms = frozenset(query.matched(set(content_terms(sentence.text))))
        inherited = heading - terms
        if move_named and shapes and EACH_MOVE.search(sentence.text):
            # "How many crunches?": what the session plan gives "each move" it gives the move named.
            inherited |= (owned & own) - terms
        # "To get into the move, ..." after "Dead bug is ...": the paragraph's subject carries on.
        carried = mentioned - terms - inherited
        mentioned |= terms & own
        direct = query.weight_of(set(terms)) - (1 - T.passing_mention) * query.weight_of(terms & passing)
        score = (
            direct + inherit * query.weight_of(inherited) + T.paragraph_subject * query.weight_of(carried)
        ) / total
        if signals.similarities:
            closeness = scaled(signals.similarities[sentence.index], T.semantic_low, T.semantic_high)
            score = (1 - T.sentence_semantic_share) * score + T.sentence_semantic_share * closeness
        if signals.routed:
            score = (1 - T.routed_share) * score + T.routed_share * signals.routed.get(sentence.index, 0.0)
        if why and CAUSAL.search(sentence.text):
            score *= T.causal_boost
        # A sentence of the asked shape must share something with the question (itself or through its
        # paragraph: "Avoid doing it…" after "…after an easy run"), unless the question
        # says little but its shape ("for how many seconds, then?" after a dead-bug question).
        # "Who leads the video?": the sentence naming a person with a role answers it, though
        # it shares no word with the question.
        relevant = bool(terms or inherited or carried or named or terse or rank == 0) or (
            WHO[1] in shapes and bool(WHO[1].search(sentence.text))
        )
        kinds = frozenset(i for i, shape in enumerate(shapes) if relevant and shape.search(sentence.text))
        shaped = bool(kinds)
        if shaped:
            score *= T.answer_shape_boost
        # "and the next level of it?" after a dead-bug question: the section the context names counts.
        if (
            steps
            and (named or (terms and not move_named))
            and (any(step.match(tidy(sentence.text)) for step in steps) or sentence.index in stand_ins)
        ):
            score *= T.step_boost
            shaped = True  # the step asked for is the shape of answer asked for
        elif steps and is_labelled_step(sentence.text):  # another step of the move than the one asked
            score /= T.step_boost
        if inherited:
            score *= 1.0 - 0.04 * min(sentence.index, 10)
        score *= 1.0 - T.rank_decay * rank  # earlier passages were judged more relevant by retrieval
        words = len(sentence.text.split())
        if words < 4:  # "Why?" and the like read badly alone
            score *= 0.3
        elif words > 70:
            score *= 0.85
        found.append(
            Candidate(rank, sentence, score, terms | inherited | carried, answers_all, shaped, kinds)
        )
    return found


def fold_lists(candidates: list[Candidate]) -> list[Candidate]:
    """List items stand for the sentence that introduces them ("...warning signs:"), which is
    quoted with its items: a lone bullet reads badly as an answer."""
    groups: list[list[Candidate]] = []
    for candidate in candidates:
        if is_list_item(candidate) and groups and is_list_intro(groups[-1][0]):
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return [merge_list(group) for group in groups]


def merge_list(group: list[Candidate]) -> Candidate:
    if len(group) == 1:
        return group[0]
    intro = group[0]
    # A whole list is a long quote: it should win only when the question is about the list.
    score = T.list_weight * max(c.score for c in group)
    terms = frozenset().union(*(c.terms for c in group))
    return Candidate(intro.passage_rank, intro.sentence, score, terms, intro.on_topic_section)


def is_list_item(candidate: Candidate) -> bool:
    return candidate.sentence.text[:1] in "-*•"


def is_list_intro(candidate: Candidate) -> bool:
    return candidate.sentence.text.rstrip().endswith(":")


def choose(candidates: list[Candidate], listing: bool = False) -> list[Candidate]:
    """Greedy: best sentence first, then those that add question words, continue a chosen sentence,
    come from the section that is all the question asks about, or are nearly as good on their own.
    A sentence of the shape of answer asked for ("how long?" → a duration) leads when it is worth
    quoting at all: it is the answer, the others are context.
    For a list question (`listing`), a sentence from a passage not yet quoted is useful too."""
    pool = sorted(candidates, key=lambda c: (-c.score, c.passage_rank, c.sentence.index))
    if not pool or pool[0].score <= 0:
        return []
    top = pool[0].score
    lead = next((c for c in pool if c.shaped and c.score >= T.shaped_keep_ratio * top), pool[0])
    pool = [lead, *(c for c in pool if c is not lead)]
    chosen = [lead]
    covered = set(lead.terms)
    words = len(lead.sentence.text.split())
    limit, max_words = (T.list_max_sentences, T.list_max_words) if listing else (T.max_sentences, T.max_words)
    for candidate in pool[1:]:
        if len(chosen) >= limit or candidate.score < T.shaped_keep_ratio * top:
            break
        if candidate.score < T.keep_ratio * top and not candidate.shaped:
            continue
        if listing and all(c.passage_rank != candidate.passage_rank for c in chosen):
            length = len(candidate.sentence.text.split())
            if words + length <= max_words and not repeats(candidate, chosen):
                chosen.append(candidate)
                covered |= candidate.terms
                words += length
            continue
        follows = any(
            c.passage_rank == candidate.passage_rank and c.sentence.index + 1 == candidate.sentence.index
            for c in chosen
        )
        strong = candidate.score >= T.strong_ratio * top
        # A second sentence of the asked shape answers too ("after an easy run", "not right before a race").
        useful = (
            bool(candidate.terms - covered)
            or follows
            or candidate.on_topic_section
            or strong
            or candidate.shaped
        )
        length = len(candidate.sentence.text.split())
        if useful and words + length <= max_words and not repeats(candidate, chosen):
            chosen.append(candidate)
            covered |= candidate.terms
            words += length
    return chosen + other_kinds_of_answer(pool, chosen, top)


def other_kinds_of_answer(pool: list[Candidate], chosen: list[Candidate], top: float) -> list[Candidate]:
    """ "When is good, and when not?" asks two kinds of answer: once one is quoted, the best
    sentence of each other kind asked for is quoted too, though the question's words favour the
    first ("a good time…" over "avoid doing it…")."""
    answered = frozenset().union(*(c.kinds for c in chosen))
    if not answered:
        return []
    added: list[Candidate] = []
    for candidate in pool:  # best first
        other = candidate.kinds - answered and candidate.score >= T.other_kind_ratio * top
        if other and candidate not in chosen and not repeats(candidate, chosen + added):
            added.append(candidate)
            answered |= candidate.kinds
    return added


def repeats(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """The article and the notes often say the same thing twice: quote it once."""
    words = set(content_terms(candidate.sentence.text))
    for other in chosen:
        theirs = set(content_terms(other.sentence.text))
        if words and theirs and len(words & theirs) >= T.same_point * len(words | theirs):
            return True
    return False


def sentence_with_list(candidate: Candidate, passages: list[Passage]) -> str:
    """A sentence that introduces a list ("...warning signs:") brings its items with it."""
    text = tidy(candidate.sentence.text)
    if not text.endswith(":"):
        return text
    following = split_sentences(passages[candidate.passage_rank].text)[candidate.sentence.index + 1 :]
    items = [s.text.lstrip("-*• ").rstrip(".") for s in following if s.text[:1] in "-*•"]
    return f"{text} {'; '.join(items[: T.max_list_items])}." if items else text.rstrip(":") + "."


def tidy(text: str) -> str:
    """Drop list bullets and quote marks left unbalanced by cutting a quotation into sentences."""
    text = text.strip().lstrip("-*• ")
    for mark in ("“", "”"):
        text = text.replace(mark, '"')
    if text.count('"') % 2:
        text = text.replace('"', "", 1) if text.startswith('"') else text.replace('"', "")
    return text


def with_subject_labels(
    chosen: list[tuple[int, str]], passages: list[Passage], subjects: list[str]
) -> list[tuple[int, str]]:
    """ "Set-up: lie on your back…" says nothing of which move it sets up: the section's name
    (a corpus subject such as "Dead bug") leads each run of sentences quoted from its section,
    unless the run names it already. A reader of a list, a comparison or "the second one" then
    sees which move each quote is about. The label is the corpus's own heading."""
    labelled = []
    for position, (rank, text) in enumerate(chosen):
        topic = passages[rank].topic
        starts_run = position == 0 or chosen[position - 1][0] != rank
        run = " ".join(t for r, t in chosen[position:] if r == rank)
        if starts_run and topic in subjects and not names_subject(run, topic):
            text = f"{topic}: {text}" if not INSTRUCTION.match(text) else f"{topic}. {text}"
        labelled.append((rank, text))
    return labelled


def names_subject(text: str, subject: str) -> bool:
    wanted = content_terms(subject)
    terms = content_terms(text)
    return any(terms[i : i + len(wanted)] == wanted for i in range(len(terms)))


def professional_lead(passages: list[Passage], chosen: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """For a question with warning signs: the corpus's see-a-professional sentence (with its list of
    warning signs) first, then at most one chosen sentence that is not an exercise instruction, nor
    any other line of a move's section (a move's fix is an instruction too)."""
    lead: list[tuple[int, str]] = []
    for rank, passage in enumerate(passages):
        sentences = split_sentences(passage.text)
        for sentence in sentences:
            if WARNING_INTRO.search(sentence.text) and sentence.text.rstrip().endswith(":"):
                candidate = Candidate(rank, sentence, 1.0, frozenset(), False)
                lead = [(rank, sentence_with_list(candidate, passages))]
                break
        if lead:
            break
    if not lead:
        return chosen
    rest = [
        (r, t)
        for r, t in chosen
        if r != lead[0][0] and not INSTRUCTION.match(t) and not instructs_a_move(passages[r].text)
    ]
    return lead + rest[:1]


WARNING_INTRO = re.compile(r"\bwarning signs?\b.*\b(doctor|physio\w*|professional)\b", re.IGNORECASE)
