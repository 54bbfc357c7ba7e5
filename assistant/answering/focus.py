"""A question's focus: the thing it asks about, and whether the corpus speaks of that thing at all.

Word coverage cannot tell "which trail shoes keep my lower back happy on long runs?" (shares
"lower", "back", "long", "runs" with the corpus) from a question the corpus answers. What it
asks about can: the head of the noun phrase a "what / which …" question asks for ("shoes"), or the
thing a "how many …" question counts ("miles"). When the corpus, its written questions (doc2query) and the glossary never
name that thing while the questions it does not answer (`corpus/out-of-scope.yaml`) do, or a "how
many" question counts something no passage gives a number of, the question is about something else
and the assistant abstains. A word neither side knows is as often the reader's way of framing the
ask ("the gist", "ppl") as a thing, and unknown words elsewhere in a question (slang, filler: "ngl",
"basically", "wrecked") are not its focus: both stay neutral.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answering.query import Glossary
from assistant.answering.tuning import TUNING
from assistant.text.rarity import english_rarity
from assistant.text.terms import TermStats, content_terms, content_words

WORD = re.compile(r"[a-z0-9]+")
# Between "what/which" and the thing asked for: "what is the cheapest …", "which kind of …".
LEAD_IN = {
    "is", "are", "was", "were", "s", "the", "a", "an", "some", "any", "best", "good", "great", "top",
    "right", "kind", "kinds", "type", "types", "sort", "sorts", "of", "brand", "brands", "your", "my",
    "better", "worse", "typical", "common", "usual", "main", "biggest", "most", "different", "correct",
    "proper", "ideal", "exact", "whole", "actual", "real", "other", "besides", "except", "than",
    # How a request wants the thing, not the thing: "send me a brief outline of …", "a simple recap".
    "quick", "simple", "short", "brief", "full", "complete", "detailed", "basic", "easy", "little",
    "rough", "general", "overall", "handy", "printable", "clear", "new",
    # Where the thing is, not the thing: "what's inside the routine?", "what about crunches?"
    "inside", "about", "into",
}  # fmt: skip
# Nouns that only frame a question ("what's the story with …", "what's the deal with …").
LIGHT = {
    "point", "deal", "thing", "things", "way", "ways", "difference", "reason", "idea", "story",
    "problem", "issue", "time", "part", "bit", "lowdown", "tip", "tips", "advice", "option",
    "diff", "gist", "rundown", "summary", "overview", "list", "recap", "breakdown", "everything",
    "detail", "details",
    # What something is for: "what's the aim of core work?" asks about the core work.
    "aim", "aims", "purpose", "goal", "goals", "objective", "objectives",
}  # fmt: skip
# Pronouns that stand for a thing already named ("yes, mine do that too"): they name none.
POSSESSIVES = {"mine", "yours", "hers", "his", "ours", "theirs"}
# Who does something, when a clause follows the thing asked about ("the mistake people make").
PEOPLE = {
    "people", "ppl", "peeps", "folks", "folk", "runners", "someone", "everyone", "everybody",
    "beginners", "most", "guys",
}  # fmt: skip
# Words that end a noun phrase: what follows them is not the thing asked for ("which move besides
# the plank one", "what cue vs the last one").
ENDS_PHRASE = {
    "besides", "except", "vs", "versus", "like", "per", "via", "including", "without", "within",
    "instead", "rather", "among",
}  # fmt: skip
# "What's prescribed / recommended / needed for …": a participle after "what is" asks what is done,
# it names no thing ("speed" and "bed" are nouns: the "-eed" and short words are kept).
PARTICIPLE = re.compile(r"^[a-z]{3,}[^e]ed$")
NUMBER = re.compile(
    r"^(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"once|twice|single|couple|few|several|dozen|half)$"
)
# "Once a week", "twice a day" count occasions: they answer "how many times / days / sessions …".
OCCASIONS = re.compile(r"^(once|twice|thrice)$")
OCCASION_WORDS = ("times", "days", "sessions")
# A number this few words before a thing counts it: "three sets of five core moves".
COUNT_WINDOW = 3
# A question with several asks ("which app tracks pace, and how long is one session?") is
# answered in the part the corpus covers: an unknown focus in one ask does not refuse the others.
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)?$")
# How many passages must use a word no heading or question names before it counts as a subject.
NAMED_DF = 2
# Where one ask ends and the next begins: "?", ";", "and" (typed "n", "&", "+", not inside a name
# like "Well+Good"), "also", or a comma before a new asking word ("how long is it, how many…").
ASKS = re.compile(
    r"\?|;|(?<!\w)[&+](?!\w)|\b(?:and|n|also|plus|but)\b"
    r"|,\s*(?=(?:how|what|which|when|where|why|who|is|are|do|does|can|should)\b)",
    re.IGNORECASE,
)
# Frames that ask for a thing besides "what/which …": "the best X", "a good X", "recommend an X",
# "give me a X". The words after the frame name the thing.
THING_FRAMES = {"best", "good", "better", "top", "recommend", "recommended", "suggest"}
TREAT = {"treat", "cure", "heal", "diagnose"}
GIVE = {"give", "write", "make", "send", "create", "draft"}
MIN_ASK_TERMS = 2
ASKING = re.compile(
    r"\b(what|whats|wat|which|how|why|when|where|who|should|can|could|do|does|is|are|tips?)\b", re.IGNORECASE
)


# A request asks too: "I'd love a plan for…", "recommend me a…". So does a question that opens with
# the verb ("Will it make me faster?", "Would a foam roller help?").
REQUEST = re.compile(
    r"\b(i'?d (love|like)|i (want|need)|give me|recommend|suggest|tell me)\b"
    r"|^\W*(will|would|did|has|have|am|was|were|may|might|must)\b",
    re.IGNORECASE,
)


# "…; how many reps, roughly?": a count names its thing, so one meaningful word makes an ask of its own.
COUNTS = re.compile(r"\bhow (many|much)\b", re.IGNORECASE)
# "…plus which gloves suit it?", "what mat should I buy?": the thing asked for is named, so one
# meaningful word makes an ask too; not "what happens after that", where "what" is followed by a verb.
NAMES_A_THING = re.compile(
    r"\bwhich\s+(?!(is|are|was|were|one|ones|of|do|does|would|should|can|will)\b)\w+|\bwhat\s+((kind|sort|type) of\s+)?\w+\s+(is|are|should|do|does|would|will|can)\b",
    re.IGNORECASE,
)


# "will it make me faster?", "does it help?": a yes-or-no question whose subject points at what
# is talked about; that subject is its thing, so one meaningful word makes an ask too. Not "is that
# normal?", which asks about the sentence before it, nor a story that starts "did it for 3 weeks".
OF_THIS = re.compile(
    r"^\W*(will|would|does|do|can|could)\s+(this|it|these|they)\s+(?!be\b)\w+",
    re.IGNORECASE,
)


def asks_something(text: str) -> bool:
    """Whether the text asks anything: an asking word or a request, and at least two meaningful words
    (one, when it asks how many or how much of it, names the thing it asks for: "plus which gloves
    suit it?", or asks yes or no of what is talked about: "will this make me quicker?")."""
    least = 1 if COUNTS.search(text) or NAMES_A_THING.search(text) or OF_THIS.search(text) else MIN_ASK_TERMS
    return bool(ASKING.search(text) or REQUEST.search(text)) and len(content_terms(text)) >= least


# What the reader means to do is no request of the assistant ("I want to do fell races", "I'd like
# to be treasurer"), unless it is to know something ("I'd like to know how long…").
INTENT = re.compile(
    r"\bi(?:'d| would)? (?:want|need|like|love|hope|plan|mean)s? to (?!(?:know|learn|understand|find|see|hear"
    r"|check|ask)\b)\w+",
    re.IGNORECASE,
)


def states_intent(ask: str) -> bool:
    """Whether an ask only says what the reader means to do ("I want to do fell races"): beside a
    question it asks nothing of its own, so it cannot make the question one the corpus answers."""
    if not INTENT.search(ask):
        return False
    rest = INTENT.sub(" ", ask)
    return not (ASKING.search(rest) or REQUEST.search(rest))


# A follow-up that asks to do something to what was said ("could I scale it up?", "fine to keep
# doing them in taper week?"): its subject is the one before, whatever its other words say.
ACTS_ON_IT = re.compile(
    r"\b(make|making|do|doing|try|trying|keep|keeping|hold|holding|progress|progressing|modify|adapt|scale"
    r"|change|skip|skipping|repeat|switch|swap|split|level)\s+(it|them|that|those|these)\b",
    re.IGNORECASE,
)


def says_enough(text: str) -> bool:
    """Whether a follow-up says enough to be judged on its own words (`Tuning.own_words_terms`):
    not one that asks to do something to what was said before."""
    return len(content_terms(text)) >= TUNING.own_words_terms and not ACTS_ON_IT.search(text)


# Words of a request that only points back at what the question before it asked ("Please give me
# every one.", "List them all."): such a request asks nothing new, so it is no part left uncovered.
POINTING = frozenset(
    content_terms(
        "please give me tell show send list name every each all one ones them those these again too"
        " explain describe someone anyone go continue elaborate expand"
    )
)
# How to answer, not what: "like I'm five", "in plain English", "in a nutshell", "keep it short".
HOW_TO_ANSWER = re.compile(
    r"\b(like|as if) (i'?m|i am|im) (five|5|a (kid|child|toddler|beginner))\b|\beli5\b|\bin (plain|simple|layman'?s) (english|terms|words)\b"
    r"|\bin a nutshell\b|\b(keep it|make it) (short|simple|brief)\b|\bin (one|a few) (sentence|line|word)s?\b|\bsimply\b",
    re.IGNORECASE,
)


def points_back(ask: str) -> bool:
    """Whether an ask only points back at the question before it (`POINTING`), or only says how to
    answer it ("can someone explain like I'm five?")."""
    return set(content_terms(HOW_TO_ANSWER.sub(" ", ask))) <= POINTING


def separate_asks(question: str) -> list[str]:
    """The asks of a question that asks several things ("what pace suits bear walks, and
    are push-ups better?"), each with an asking word and at least two meaningful words (one for a
    count); [] for one ask."""
    asks = [ask.strip() for ask in ASKS.split(question) if asks_something(ask)]
    return asks if len(asks) > 1 else []


# "Reps, rest, session length?", "the numbers please: sets, rest, how often": a list of
# things asked in one breath, each an ask of its own though it has no asking word
# (`Tuning.list_item_words`). An item that a conjunction opens ends a list, never its middle.
JOINED = re.compile(r"^(and|or|but|so|then)\b", re.IGNORECASE)
# An item with no asking word of its own asks for its amount: "sessions a week" how often, "rest" or
# "work time" how long, "sets" how many.
BARE_AMOUNTS = (
    (re.compile(r"\b(a|per|each|every) (week|day)\b|\b(weekly|daily)\b", re.IGNORECASE), "how often"),
    (re.compile(r"\b(time|interval|rest|length|duration|break|recovery)\b", re.IGNORECASE), "how long"),
    (re.compile(r"\b(sets|reps|rounds|moves|exercises)\b", re.IGNORECASE), "how many"),
)


def listed_asks(question: str) -> list[str]:
    """The asks of a question (`separate_asks`), or the items of a list of things it asks in one
    breath when it is one; [] for one ask."""
    asks = separate_asks(question)
    items = list_items(question)
    return items if len(items) > max(len(asks), 1) else asks


def list_items(ask: str) -> list[str]:
    """The items of a list the ask is made of, each as the question it stands for, or the ask alone
    when it holds no such list."""
    _, colon, body = ask.rpartition(":")
    parts = [part.strip(" ?.!") for part in (body if colon else ask).split(",")]
    items = [part for part in parts if content_terms(part)]
    short = items[:-1] if colon else items[1:-1]
    if len(items) < (2 if colon else 3) or any(
        len(WORD.findall(item.lower())) > TUNING.list_item_words or JOINED.match(item) for item in short
    ):
        return [ask]
    return [as_asked(item) for item in items]


def as_asked(item: str) -> str:
    """A list's item as the question it stands for ("rest" → "how long rest")."""
    if ASKING.search(item):
        return item
    return next((f"{asking} {item}" for amount, asking in BARE_AMOUNTS if amount.search(item)), item)


# A question, by how it starts: what a reader would recognise as the part they asked.
QUESTION_START = re.compile(
    r"^(who|whose|what|whats|what's|which|when|where|why|how|is|are|am|do|does|did|can|could|should|would|will|may|might|has|have|any)\b",
    re.IGNORECASE,
)


# Words that join a question to the one before it ("oh and which…", "also what…"): not the question.
LEADING_JOIN = re.compile(r"^((oh|and|also|plus|but|so|then|ok|okay)\b[\s,]*)+", re.IGNORECASE)


def question_part(ask: str) -> str | None:
    """The question an ask puts, as the reader wrote it, without a greeting, story or lead-in before
    it ("Hello, two questions. What's the best…" → "What's the best…"; a dash between two spaces or
    a colon ends a sentence too, "oh and" joins; "I'd love a plan for…" asks too); None for a remark."""
    last = re.split(r"(?<=[.!?:])\s+|\s+[-–—]+\s+", ask.strip())[-1].strip(" ,;:-")
    last = LEADING_JOIN.sub("", last)
    if not QUESTION_START.search(last) and not last.endswith("?") and not REQUEST.search(last):
        return None
    return last.rstrip(" ,;:.?!")


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def last_asking_sentence(text: str) -> tuple[list[str], int] | None:
    """The text's sentences and the index of the last one that asks (`question_part`); None when
    none does."""
    sentences = SENTENCE_END.split(text.strip())
    return next(
        (
            (sentences, i)
            for i in range(len(sentences) - 1, -1, -1)
            if question_part(sentences[i]) is not None
        ),
        None,
    )


def last_question_part(text: str) -> str | None:
    """The question the last asking sentence puts (`question_part`), though remarks or a sign-off
    follow it ("…how many sets? The choir meets at six. Cheers, Pat.")."""
    found = last_asking_sentence(text)
    return question_part(found[0][found[1]]) if found else None


def up_to_the_question(text: str) -> str:
    """The text up to the end of its last asking sentence, without the remarks after it ("…the
    common mistake on each move? keen to nail it, I've only a few spare minutes"); the whole text
    when no sentence asks."""
    found = last_asking_sentence(text)
    return " ".join(found[0][: found[1] + 1]) if found else text


# A question put without a question mark or an asking word first ("half marathon sunday should i
# skip the circuit friday"): a verb that asks, then who or what it asks of.
ASKING_INSIDE = re.compile(
    r"\b(should|can|could|do|does|did|is|are|will|would|shall|may|might|must|am)\s+(i|we|you|it|they|he|she|my|the|this|that)\b"
    r"|\b(how|what|why|when|which|where|who|whether)\b",
    re.IGNORECASE,
)


# An asking word inside a sentence that does not open with one: "I wonder how long the session is."
ASKS_WITHIN = re.compile(r"\b(how|what|whats|why|when|which|where|who|whether)\b", re.IGNORECASE)


def leaves_a_question(rest: str) -> bool:
    """Whether what is left of a message once a request to change the rules is taken out still asks
    something: a sentence that reads as a question or a request, or asks within it ("I wonder how long
    the session is."); not a line the reader wanted finished ("'Stiff hips after a run always
    mean…'"), nor a remark ("Just so you know, I run the club page.")."""
    sentences = SENTENCE_END.split(rest.strip())
    return asks_something(rest) and any(question_part(s) or ASKS_WITHIN.search(s) for s in sentences)


def is_aside(ask: str, before: list[str]) -> bool:
    """A remark after a question ("…a decent time for a debut half? the whole club seems quicker
    than me"): it says how the reader feels, and asks nothing the answer must cover. A story before
    the question is different: it sets the scene the question asks about."""
    return (
        any(question_part(earlier) for earlier in before)
        and question_part(ask) is None
        and not ASKING_INSIDE.search(ask)
    )


def asked_things(question: str) -> list[tuple[str, bool]]:
    """The heads of the noun phrases the question asks for, each with whether it is counted
    ("how many …"). Empty when the question asks for no thing ("is that normal?")."""
    words = WORD.findall(question.lower().replace("’", "'"))
    found = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        counted = word == "many" and before == "how"
        framed = (
            word in ("what", "whats", "which")
            or word in THING_FRAMES
            or (word == "me" and before in GIVE)
            or (word == "much" and before == "how")  # "how much ibuprofen…"
            or word in TREAT  # "what is the best way to heal shin splints?"
        )
        if not framed and not counted:
            continue
        j = i + 1
        while not counted and j < len(words) and words[j] in LEAD_IN:
            j += 1
        run = []
        while j < len(words) and content_terms(words[j]) and words[j] not in ENDS_PHRASE:
            run.append(words[j])
            j += 1
        if len(run) > 1 and run[-1] in PEOPLE:  # "the mistake people make": a clause follows the thing
            run.pop()
        if word in ("what", "whats") and len(run) == 1 and PARTICIPLE.match(run[0]):
            continue
        if run and run[-1] not in LIGHT and run[-1] not in POSSESSIVES:
            if word == "me":  # "write me a marathon training plan": every word says what to make
                found.extend((w, False) for w in run[:-1] if not NUMBER.match(w) and w not in LIGHT)
            found.append((run[-1], counted))
    return found


class FocusCheck:
    """Knows which things the corpus names and which it counts."""

    def __init__(
        self,
        stats: TermStats,
        glossary: Glossary,
        texts: Iterable[str],
        asked: Iterable[str] = (),
        outside: Iterable[str] = (),
    ) -> None:
        """`texts`: every passage with its heading and questions; `asked`: the headings and the
        questions the passages answer (doc2query), which say what the corpus is about; `outside`:
        the questions it does not answer (`corpus/out-of-scope.yaml`), which name things runners
        ask about elsewhere."""
        self.stats = stats
        self.elsewhere = {t for text in outside for t in content_terms(text)}
        self.glossary_terms = {t for phrase in glossary for t in content_terms(phrase)}
        # A word the text mentions once in passing ("as the miles tick by on your smartwatch") is
        # not a thing the corpus speaks of; one its headings or questions name, or that recurs, is.
        self.named = {t for text in asked for t in content_terms(text)}
        self.counted: set[str] = set()
        for text in texts:
            words = WORD.findall(text.lower())
            for i, word in enumerate(words):
                if OCCASIONS.match(word):
                    self.counted.update(t for w in OCCASION_WORDS for t in content_terms(w))
                if NUMBER.match(word):
                    for later in words[i + 1 : i + 1 + COUNT_WINDOW]:
                        self.counted.update(content_terms(later))
                if word == "many" and i and words[i - 1] == "how" and i + 1 < len(words):
                    self.counted.update(content_terms(words[i + 1]))

    def unknown_focus(self, question: str, follow_up: bool = False) -> str | None:
        """The thing the question asks about that the corpus never speaks of, when the question asks
        nothing else. A follow-up leans on the conversation ("that's mine exactly, any fix?"), so
        its few words of its own are not weighed (`mostly_unknown`)."""
        head = self.unknown_head(question)
        if head is None:
            single = len(separate_asks(question)) <= 1
            return self.mostly_unknown(question) if single and not follow_up else None
        return None if self.unknown_ask(question) else head

    def unknown_ask(self, question: str) -> str | None:
        """The part of the question that asks for a thing the corpus never speaks of
        (`unknown_head`), when the rest asks something the corpus does speak of: another ask
        ("…, plus how many sets?"), or another sentence that asks in the corpus's words ("My hips
        rock on the taps, any fix? Other thing: a good rain jacket?"). None when
        the question asks for no such thing, or for nothing else."""
        head = self.unknown_head(question)
        if head is None:
            return None
        named = re.compile(rf"\b{re.escape(head)}\b", re.IGNORECASE)
        asks = ASKS.split(question)
        if any(not named.search(ask) and asks_something(ask) for ask in asks):
            asking = next((ask for ask in asks if named.search(ask)), question)
            return next((s for s in SENTENCE_END.split(asking.strip()) if named.search(s)), asking)
        sentences = SENTENCE_END.split(question.strip())
        asking = next((sentence for sentence in sentences if named.search(sentence)), None)
        rest = " ".join(sentence for sentence in sentences if not named.search(sentence))
        known = [t for t in content_terms(rest) if self.speaks_of(t)]
        if asking is None or not ("?" in rest or ASKING_INSIDE.search(rest)) or len(known) < MIN_ASK_TERMS:
            return None
        return asking

    def mostly_unknown(self, question: str) -> str | None:
        """The words of a question that is mostly about things the corpus never mentions ("when do
        I plant onion sets?", "goggles fog up every session, tricks?"): more such words than words the
        corpus uses, and at least `Tuning.unknown_things_min` of them, in the whole question and in the
        sentence that asks. A story before the ask sets a scene ("masters 5k this weekend, nervous!
        ok to train core the day before?"), and a remark before it may carry the ask's subject
        ("Crunches next. Is a weighted vest worth it for them?"). Everyday words count on
        neither side; a reader's slang is seldom the larger part of a question."""
        asking = question_part(question)
        found = self.unknown_words(question)
        if found and (asking is None or asking == question.strip() or self.unknown_words(asking)):
            return ", ".join(found)
        return None

    def unknown_words(self, text: str) -> list[str]:
        """`text`'s rare words the corpus never uses, when they outnumber the words it does use. An
        everyday word the corpus uses only in passing ("quick", "post", "minutes") is on neither
        side, as an everyday word it never uses is not: a question on simmering lentil soup for a
        post-run lunch is about soup, whatever words it shares with the article."""
        unknown: set[str] = set()
        known: set[str] = set()
        for word, stem in content_words(text):
            if self.stats.df.get(stem, 0) or stem in self.glossary_terms or stem in self.named:
                if (
                    self.stats.df.get(stem, 0) >= NAMED_DF
                    or stem in self.glossary_terms
                    or self.is_specific(word)
                ):
                    known.add(stem)
            elif not NUMBER.match(word) and self.is_specific(word):
                unknown.add(word.lower())
        if len(unknown) >= TUNING.unknown_things_min and len(unknown) > len(known):
            return sorted(unknown)
        return []

    @staticmethod
    def is_specific(word: str) -> bool:
        """Rare enough in English to name a thing rather than fill a sentence (`Tuning.outside_word_rarity`)."""
        return english_rarity(word) >= TUNING.outside_word_rarity

    def unknown_things(self, question: str) -> list[str]:
        """The question's specific words the corpus never speaks of ("stretches", "vest"): not its
        own vocabulary, not a reader's word the glossary maps to it, not an everyday word ("special",
        "end") nor a number (`Tuning.outside_word_rarity`)."""
        return [
            word
            for word, stem in content_words(question)
            if not self.speaks_of(stem)
            and stem not in self.glossary_terms
            and not NUMBER.match(word)
            and self.is_specific(word)
        ]

    def speaks_of(self, stem: str) -> bool:
        return stem in self.named or stem in self.counted or self.stats.df.get(stem, 0) >= NAMED_DF

    def unknown_head(self, question: str) -> str | None:
        for head, counted in asked_things(question):
            stems = content_terms(head)
            if not stems or any(s in self.glossary_terms for s in stems):
                continue
            if ORDINAL.match(head) or NUMBER.match(
                head
            ):  # "the 5th one" points at an item, it names no thing
                continue
            # A thing the corpus never names is what the question is about only when questions
            # about something else name it too ("shoes", "creatine"): a word neither side knows is as
            # often a reader's own way of framing the ask ("the diff", "a quick list", "ppl").
            if not any(self.speaks_of(s) for s in stems):
                if any(s in self.elsewhere for s in stems):
                    return head
                continue
            if counted and not any(s in self.counted for s in stems):
                return head
        return None
