"""Exercise instructions as the corpus writes them: a section per move, its steps labelled
("Set-up:", "How to do it:", "Common mistake:", "Cue:", "Make it harder:"). Which step a question
asks for, and whether it asks something of every move at once ("the set-up of each exercise").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.answering.focus import SENTENCE_END, question_part, separate_asks

# Exercise instructions come as labelled steps ("Set-up:", "How to do it:", "Common mistake:",
# "Cue:", "Make it harder:"). What a question asks for decides which step answers it: "what's the
# technique?" the set-up and the movement, "where does it go wrong?" the mistake, "too easy?" the
# progression, "what matters most?" the cue. Each pair: what the question says, what the label says.
STEP_KINDS = (
    (
        re.compile(
            r"\bhow (do|does|should|can|would|to) (i|you|u|we|one|it|they|this|that)?\s*(even |just |\w+ly )?(do|perform|start|set|get|work|move)\b"
            r"|\bhow (do|does) (the |a |an |those |these )?[\w-]+( [\w-]+)? (work|go(?! (wrong|awry|bad|badly)\b))\b"
            r"|\bhow (is|are)\b[^?]{0,25}\b(done|performed|carried out)\b"
            r"|\bhow to\b|\b(start|begin)s? (on|in|from) (your|my|the|a)\b|\b(right way to|form|technique|set-?ups?|(?<!few )(?<!small )(?<!baby )(?<!of )(?<!\d )steps?|positions?|instructions?|execute|execution)\b|\bwhat does\b.*\blook like\b"
            # "what is a crunch?", "not sure how": what the move is, told by the way it is done
            r"|\b(what'?s|what is|whats|wat is|what are|what r) (a|an) [\w-]+( [\w-]+)?\s*\?"
            r"|\b(no|any) idea how\b|\bnot sure how\b|\b(don'?t|do not|dunno) (really )?know how\b",
            re.IGNORECASE,
        ),
        re.compile(r"^(set-?up|how to do it|starting position|position|steps?|how to)\b", re.IGNORECASE),
    ),
    (
        re.compile(
            r"\b(mistakes?|wrong|faults?|errors?|avoid|mess(ing)? up|screw(ing)? up|fix|problem|issue)\b"
            # what to look out for: "what should I watch for on…", "anything to be careful of?"
            r"|\b(watch(ing)? (out|for|on)|to watch\b|look(ing)? out for|careful|beware)"
            # what goes wrong, told as what the body does or what the reader cannot do
            r"|\b(peel\w*|(lifts?|lifting|comes?|coming) (off|up)|arch\w*|sag\w*|pik\w*|rock\w*|swing\w*|sway\w*|wobbl\w*"
            r"|(shoot\w*|stick\w*|pop\w*|hike\w*|hitch\w*) (up|out)|dip(s|ping|ped)?|bob(s|bing|bed)?|flar(e|es|ing|ed)|bounc\w*)\b"
            r"|\bhow (do i |do you |can i |to )?(stop|prevent)\b"
            r"|\b(can'?t|cannot|can not|struggl\w*|unable to|hard to)\b[^.?!]{0,20}\b(keep|hold|stop|stay)\b",
            re.IGNORECASE,
        ),
        re.compile(r"^(common )?(mistakes?|errors?|faults?|avoid)\b", re.IGNORECASE),
    ),
    (
        re.compile(
            r"\b(harder|progress\w*|too easy|advanc\w*|level (it |them |this |that )?up|challeng\w*|tougher|add (weight|load|resistance)|next step)\b"
            # "can it get more difficult? it feels easy now"
            r"|\b(more difficult|(is|it'?s|getting|gets|got|feels?) (too |really |so |very )?easy|easy now|step (it )?up)\b",
            re.IGNORECASE,
        ),
        re.compile(r"^(make it harder|progression|harder|advanced|level up)\b", re.IGNORECASE),
    ),
    (
        re.compile(
            r"\b(most important|key|#1|number one|main thing|cue|focus on|remember|reminders?|get right|matters? most|one thing"
            r"|rules?|dos and don'?ts|do'?s and don'?ts)\b"
            r"|\b(she|he|they|trainer|coach)('s| is| are)? (really )?after\b",  # "what is she after in it?"
            re.IGNORECASE,
        ),
        re.compile(r"^(cue|key|tip|focus|remember)\b", re.IGNORECASE),
    ),
)

PROCEDURE_STEPS = STEP_KINDS[0][1]
MISTAKE_STEPS = STEP_KINDS[1][1]
PROGRESSION_STEPS = STEP_KINDS[2][1]
CUE_STEPS = STEP_KINDS[3][1]
ASKS_MISTAKE = STEP_KINDS[1][0]
# A move done properly, correctly, in good form.
DONE_PROPERLY = re.compile(
    r"\b(properly|correctly|the right way|right form|proper form|good form|safely)\b", re.IGNORECASE
)
# "Everything on crunches", "talk me through it step by step", "each cue of the plank taps":
# every labelled step of the move, not the one step a narrower question asks for.
WHOLE_MOVE = re.compile(
    r"\b(everything|every step|step[- ]by[- ]step|start to finish|beginning to end|from scratch|in full"
    r"|all (the |of the )?(cues|steps|tips|pointers|details|instructions|coaching points)"
    r"|full (rundown|breakdown|instructions|run-?through)|(walk|talk|take) (me|us) (through|thru))\b",
    re.IGNORECASE,
)
COMPARING = re.compile(
    r"\b(diff|differ\w*|difference|compared?|comparison|vs\.?|versus|(sets?|tell) (them|the two|these|those) apart)\b",
    re.IGNORECASE,
)
# "Set-up:", "How to do it:", "Make it harder:": a line that instructs a move.
INSTRUCTION = re.compile(r"^[\w][\w -]{0,25}:\s")
# A section that instructs a move has at least two labelled steps on lines of their own.
LABELLED_STEP = re.compile(
    r"^(" + "|".join(label.pattern.lstrip("^") for _, label in STEP_KINDS) + r")[^:\n]{0,20}:",
    re.IGNORECASE | re.MULTILINE,
)
# Readers call the corpus's move sections moves, exercises or movements.
MOVES = r"(moves|exercises|movements)"
MOVE = r"(moves?|exercises?|movements?)"
# What readers call the whole session of moves.
SESSION = r"(circuit|routine|session|workout)"
# "the set-up for each exercise", "every movement", "every single move": each move's own step;
# but "how long is each move?" asks one quantity the session plan gives for all of them, and "a
# pause after every exercise?" asks when, not something of each move.
EACH_MOVE = re.compile(
    rf"(?<!\bafter )(?<!\bbefore )(?<!\bbetween )(?<!\bper )\b(each|every|each and every)( single| last| individual)?( ?one)?( of (the|these|those|her|the five))? {MOVE}\b"
    # "move by move", "exercise by exercise"
    rf"|\b(move by move|exercise by exercise|movement by movement)\b"
    # "a single tip per move", "a cue per exercise": a step of each move (not "half a minute per move")
    rf"|\b(reminders?|cues?|tips?|pointers?|mistakes?|faults?|fix(es)?|set-?ups?|notes?|key points?) (per|for each|for every) {MOVE}\b"
    # "…every form fault, one per move", "one for each exercise please"
    rf"|\bone (per|for each|for every) {MOVE}\b",
    re.IGNORECASE,
)
QUANTITY = re.compile(
    # (a set counted, not "the full set" of moves for a whiteboard)
    r"\bhow (long|many|much|often)\b|\b(seconds?|minutes?|reps?|sets)\b(?!-)|\b(\d+|one|two|three|a|per|each) set\b",
    re.IGNORECASE,
)
ALL_MOVES = re.compile(
    # "all 5 moves", "all of the exercises"
    rf"\ball( of)?( the)?( \d+| five| four| three| six)?( of the)? {MOVES}\b"
    # "which exercises happen face up?", "what core exercises are in it?", "what are the moves?"
    # (not "what do these exercises work?", nor "which exercises are best for…?")
    rf"|\b(which|what)( of the| of these| other)?( (?!(do|does|did|are|is|were|should|can|would)\b)\w+)? {MOVES}\b"
    r"(?! (are|is) (best|better|good|most|least)\b)"
    rf"|\bwhat (are|r|were) (the|they|these|those)( \w+)? {MOVES}\b"
    # "the post mentions five, which are they?", "…but what is the fifth one?"
    # (and "it names five moves, I see three: what are all five?"); the ordinal may come in the
    # next sentence ("it says 5 moves but I count 4?? what's the 5th one")
    rf"|\b{MOVES}\b[^?]{{0,80}}\bwhat (are|r|were) (they|them|the ones|all (the )?(\d|five|four|six|of them))\b"
    rf"|\b{MOVES}\b.{{0,120}}?\b(\d(st|nd|rd|th)|first|second|third|fourth|fifth|last) (one|{MOVE})\b"
    # "list the moves", "name the exercises", "a rundown of the moves", "gimme the exercises", "the full
    # lineup of moves", "group the moves by which are on the floor"
    rf"|\b(list|names?|rundown|overview|bullet|gimme|give me|show me|send me|line-?up|line up|sort|group|split)\b[^?]{{0,40}}\b{MOVES}\b"
    # what the session is made of: "what's in the circuit?", "what does the routine consist of?",
    # "walk me through the workout", "what goes into the session?"
    rf"|\bwhat('?s| is| are)? (in|inside) (the |this |that |her |your )?(core )?{SESSION}\b"
    rf"|\b{SESSION}\b[^?]{{0,30}}\b(consist|made up|compris|includ|involv|contain)\w*"
    rf"|\b(walk|run|talk|take) (me|us) through\b[^?]{{0,25}}\b({SESSION}|{MOVES})\b|\bbreak down\b[^?]{{0,25}}\b{SESSION}\b"
    rf"|\bwhat (do|should|would) (i|we|you) (actually |even )?do (in|during|for) (the |this |a |her )?(core )?{SESSION}\b"
    # a question on the moves, then a request that points back to all of them: "Do the exercises
    # say how to breathe? I'd like all of them." / "…? Please give me every one."
    rf"|\b{MOVES}\b[^?]*\?[^?.!]{{0,30}}\b(all|every|each)( single)?( one| ones)?( of (them|those|these))?"
    r"(,? (for me|please|thanks|too))*\W*$"
    rf"|^\W*what('?s| is) the (core )?(workout|routine|circuit)\W*$",
    re.IGNORECASE,
)


# "Where do I start each move?" asks for the set-up alone, not the whole procedure.
SET_UP_ONLY = re.compile(r"\b(start(ing)?[ -]positions?|set-?ups?|position|get into)\b", re.IGNORECASE)
SET_UP_STEP = re.compile(r"^(set-?up|starting position|position)\b", re.IGNORECASE)


# "Form faults", "form tips": "form" says which faults, it does not ask for the technique; nor does
# "the main point of technique", which asks for the one cue.
FORM_MODIFIER = re.compile(
    r"\b(?:form|technique) (faults?|mistakes?|errors?|cues?|tips?|reminders?)\b", re.IGNORECASE
)
# "Breathing cues", "hip tips", "neck instructions": the word before says what is asked about; it
# does not ask for a move's "Cue:" or its instructions.
PROPERTY_MODIFIER = re.compile(
    r"\b(?!starting\b)(\w+ing|breath|hips?|back|neck|shoulders?|feet|foot|knees?|arms?|hands?|chin|head)"
    r" (cues?|instructions?|tips?|pointers?)\b",
    re.IGNORECASE,
)
KEY_POINT = re.compile(
    r"\b(key|main|most important|biggest|top|number one|#1) (technique|form)\b", re.IGNORECASE
)


def names_a_property(question: str) -> bool:
    """Whether the question names what it asks about in a move's steps ("breathing cues")."""
    return bool(PROPERTY_MODIFIER.search(question))


def steps_asked(question: str) -> list[re.Pattern[str]]:
    """`asked_steps`, as a list of the caller's own."""
    return list(asked_steps(question))


# One answer asks this of the same question for every passage and ask it weighs: kept, not redone.
@lru_cache(maxsize=256)
def asked_steps(question: str) -> tuple[re.Pattern[str], ...]:
    """The labels of the instruction steps the question asks for (see `STEP_KINDS`). "Form" in a
    story before the question is the reader's context, not an ask for the technique ("Nobody watches
    my form. What mistakes should I check for?" asks for the mistakes); what else a story names
    still counts ("Crunches feel easy these days. How do I load them up?")."""
    asked = named_steps(question)
    sentences = SENTENCE_END.split(question.strip())
    asking = " ".join(sentence for sentence in sentences if question_part(sentence))
    if PROCEDURE_STEPS in asked and asking and len(asking) < len(question.strip()):
        own = named_steps(asking)
        if own and PROCEDURE_STEPS not in own:
            asked.remove(PROCEDURE_STEPS)
    return tuple(asked)


def named_steps(question: str) -> list[re.Pattern[str]]:
    """`steps_asked` in all of the question's words."""
    question = PROPERTY_MODIFIER.sub(r"\1", question)
    question = KEY_POINT.sub("key", FORM_MODIFIER.sub(r"\1", question))
    asked = [label for asks, label in STEP_KINDS if asks.search(question)]
    # One move done properly is done without its mistake; "each move, properly" asks for each one's
    # steps, one quote a move.
    if DONE_PROPERLY.search(question) and MISTAKE_STEPS not in asked and not asks_of_every_move(question):
        asked.append(MISTAKE_STEPS)
    # "How does a crunch differ from a dead bug?" asks how each is done, unless it names a step; so
    # does such an ask beside one that names a step ("what sets them apart, and what do people get
    # wrong on each?").
    comparing = [ask for ask in separate_asks(question) or [question] if COMPARING.search(ask)]
    if (
        any(not any(asks.search(ask) for asks, _ in STEP_KINDS) for ask in comparing)
        and PROCEDURE_STEPS not in asked
    ):
        asked.insert(0, PROCEDURE_STEPS)
    return asked


def asks_whole_move(question: str) -> bool:
    """Whether the question asks for every step of a move ("walk me through the dead bug")."""
    return bool(WHOLE_MOVE.search(question))


# "What's good form on the bear walk?", "form cues for it?": a move's form is every part of how it is
# done (where to start, how to move, what to feel for, what goes wrong and how to fix it); not how to
# make it harder, nor the one part a narrower question names ("the key point of technique", "where
# is my technique off?", "proper form, my hips keep rocking": the mistake leads those answers).
GOOD_FORM = re.compile(
    r"\b(good|proper|correct|right|perfect|clean|solid|best|strict|decent) (form|technique)\b"
    r"|\b(form|technique) (cues?|tips?|pointers?|check|points?)\b"
    r"|\b(properly|correctly)\b",
    re.IGNORECASE,
)


def asks_good_form(question: str) -> bool:
    """Whether the question asks how a move is done well, as a whole (`GOOD_FORM`), rather than for
    one of its steps alone."""
    if not GOOD_FORM.search(question) or asks_of_every_move(question) or ASKS_MISTAKE.search(question):
        return False
    return all(step in (PROCEDURE_STEPS, MISTAKE_STEPS) for step in steps_asked(question))


def is_labelled_step(sentence: str) -> bool:
    """ "Set-up: …", "Common mistake: …": a sentence that is one labelled step of a move."""
    return bool(LABELLED_STEP.match(sentence.strip()))


def instructs_a_move(text: str) -> bool:
    """Whether a passage is a move's instructions: two or more labelled steps."""
    return len(LABELLED_STEP.findall(text)) >= 2


# Asking leave to do something: "can I still do…", "is it ok to skip…", "ok to smash…".
DOING = (
    r"\b(can|could|should|may|must|(ok|okay|fine|alright|all right|safe|good|bad|better|wise) to)\s+"
    r"((i|we|you)\s+)?(still\s+)?(do|try|skip|start|repeat|smash|hit|fit in|squeeze in|add|begin)\s+"
)
# The routine as the object of a verb: "this session", "the core moves", "my ab circuit", "the core
# thing".
THE_ROUTINE = (
    rf"(the|this|these|those|my|her)\s+((core\s+|ab\s+)?({SESSION}|{MOVES})|(core|ab) (thing|stuff|work))\b"
)
# Taking the routine up bit by bit: "best way to work up to it?", "ramp up into all this".
EASING_IN = r"\b(ease|easing|build|building|work|working|ramp|ramping|phase|phasing) (into|up to|up into|in to) (it|this|them|these|all (of )?this|all (of )?that)\b"
# What the routine holds or needs: "in this routine", "throughout the circuit", "before the core
# moves", "while doing these moves", "does the session include…" (not "on days with a session", "lunch on session days").
OF_THE_ROUTINE = re.compile(
    r"\b(in|into|of|from|during|through|throughout|for|within|to|before|after|while|when)\s+(doing\s+)?"
    rf"(the\s+whole\s+|this\s+|the\s+|these\s+|those\s+|your\s+|her\s+)?(core\s+|ab\s+)?({SESSION}|{MOVES})\b"
    rf"|\b(this|the|these)\s+(core\s+)?({SESSION}|{MOVES})\s+"
    r"(include|includes|have|has|contain|contains|involve|involves|use|uses|need|needs)\b"
    # doing it at a time or in a way: "may I do the routine on race morning?"
    # (asked of doing it, not said in passing: "lunch ideas for days I do the session?")
    rf"|{DOING}{THE_ROUTINE}"
    # where it goes in a week: "fit this session into my schedule", "slot these moves in"
    rf"|\b(fit|fitting|slot|slotting|schedule|scheduling|squeeze|squeezing|work|working)\s+(in\s+)?{THE_ROUTINE}"
    rf"|{EASING_IN}",
    re.IGNORECASE,
)


# "Could this circuit help…?", "which move…?", "does a dead bug…?": a sentence that names the
# routine, its moves, or one move.
NAMES_THE_ROUTINE = re.compile(
    rf"\b(this|the|these|those|your|her|of|each|every)\s+(whole\s+|complete\s+|full\s+|entire\s+)?(core\s+|ab\s+)?({SESSION}|{MOVE})\b",
    re.IGNORECASE,
)


# Any routine or moves at all: "we learnt new dance moves", "the kitchen circuit".
ROUTINE_NOUN = re.compile(rf"\b({SESSION}s?|{MOVE})\b", re.IGNORECASE)


def names_a_routine(text: str) -> bool:
    """Whether the text speaks of some routine or moves, the corpus's or any other."""
    return bool(ROUTINE_NOUN.search(text))


def names_the_routine(sentence: str, moves: Sequence[str]) -> bool:
    """Whether the sentence names the routine, its moves, or a move by name (`moves`: "Dead bug")."""
    return bool(NAMES_THE_ROUTINE.search(sentence)) or names_a_move(sentence, moves)


# After an answer on the routine, "it" is the routine: "could I still do it on the eve of a 10k?"
OF_IT = re.compile(rf"{DOING}(it|them|these|those|this)\b", re.IGNORECASE)


def asks_of_the_routine(sentence: str, moves: Sequence[str]) -> bool:
    """ "Any cool-down in the circuit?", "harder sit-ups?", "the mistake of every single move?": the
    sentence asks what the routine or its moves hold or need."""
    return (
        bool(OF_THE_ROUTINE.search(sentence)) or names_a_move(sentence, moves) or asks_of_every_move(sentence)
    )


def names_a_move(sentence: str, moves: Sequence[str]) -> bool:
    """Whether the sentence names one of `moves` ("Dead bug", or a reader's "sit-ups")."""
    return any(re.search(rf"\b{re.escape(move.lower().rstrip('s'))}", sentence.lower()) for move in moves)


def asks_of_every_move(question: str) -> bool:
    """ "Which moves…?", "the common mistake in each exercise": answered from every move's section."""
    if ALL_MOVES.search(question):
        return True
    return bool(EACH_MOVE.search(question)) and not QUANTITY.search(question)
